"""Controlled vocabularies for coding seizures.

Transport and location types follow the spirit of the UNODC Individual Drug Seizures (IDS)
reporting form: coarse enough that two coders agree, fine enough to separate a container
at a seaport from a go-fast boat at sea. The wording here is ours.
"""

from decimal import Decimal

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact day or days"
    MONTH = "month", "Month only"
    YEAR = "year", "Year only"
    REPORTED = "reported", "Only the day it was reported"


class GeoPrecision(models.TextChoices):
    EXACT = "exact", "Exact point"
    LOCALITY = "locality", "Town, port or district"
    SUBDIVISION = "subdivision", "Region or province"
    COUNTRY = "country", "Country only"


class TransportMode(models.TextChoices):
    AIR_COMMERCIAL = "air_commercial", "Air – commercial flight or air cargo"
    AIR_PRIVATE = "air_private", "Air – private or light aircraft"
    SEA_CONTAINER = "sea_container", "Sea – container shipping"
    SEA_VESSEL = "sea_vessel", "Sea – fishing boat, go-fast or other vessel"
    SEMI_SUBMERSIBLE = "semi_submersible", "Sea – semi-submersible"
    RIVER = "river", "River craft"
    ROAD = "road", "Road vehicle"
    RAIL = "rail", "Rail"
    POSTAL = "postal", "Post or courier parcel"
    ON_PERSON = "on_person", "Carried on the body or in luggage"
    NONE = "none", "Not in transport (storage, production)"


class LocationType(models.TextChoices):
    SEAPORT = "seaport", "Seaport or container terminal"
    AIRPORT = "airport", "Airport"
    AIRSTRIP = "airstrip", "Clandestine airstrip"
    BORDER = "border", "Border crossing"
    ROAD = "road", "Road or checkpoint"
    AT_SEA = "at_sea", "At sea"
    RIVER = "river", "River"
    RESIDENCE = "residence", "Residence"
    WAREHOUSE = "warehouse", "Warehouse or storage"
    LABORATORY = "laboratory", "Laboratory"
    PLANTATION = "plantation", "Plantation or field"
    OTHER = "other", "Other"


class EvidenceCategory(models.TextChoices):
    DRUG = "drug", "Drug"
    WEAPON = "weapon", "Weapon or ammunition"
    CASH = "cash", "Cash"
    PHONE = "phone", "Phone"
    DOCUMENT = "document", "Document"
    VEHICLE = "vehicle", "Vehicle"
    VESSEL = "vessel", "Vessel or aircraft"
    OTHER = "other", "Other"


class DrugType(models.TextChoices):
    COCAINE = "cocaine", "Cocaine"
    CANNABIS = "cannabis", "Cannabis"
    HEROIN = "heroin", "Heroin"
    METHAMPHETAMINE = "methamphetamine", "Methamphetamine"
    MDMA = "mdma", "MDMA"
    FENTANYL = "fentanyl", "Fentanyl"
    OTHER = "other", "Other"


class Unit(models.TextChoices):
    KILOGRAM = "kg", "kilograms"
    GRAM = "g", "grams"
    MILLIGRAM = "mg", "milligrams"
    TONNE = "t", "tonnes"
    POUND = "lb", "pounds"
    OUNCE = "oz", "ounces"
    LITRE = "l", "litres"
    MILLILITRE = "ml", "millilitres"
    UNIT = "unit", "units (pieces, packages, pills)"
    PLANT = "plant", "plants"


# Exact factors: tons are metric, a pound is 0.45359237 kg by definition.
KG_PER_UNIT = {
    Unit.KILOGRAM: Decimal("1"),
    Unit.GRAM: Decimal("0.001"),
    Unit.MILLIGRAM: Decimal("0.000001"),
    Unit.TONNE: Decimal("1000"),
    Unit.POUND: Decimal("0.45359237"),
    Unit.OUNCE: Decimal("0.028349523125"),
}


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class DetaineeRole(models.TextChoices):
    LEADER = "leader", "Leader or organiser"
    COURIER = "courier", "Courier"
    DRIVER = "driver", "Driver or pilot"
    CREW = "crew", "Crew member"
    WORKER = "worker", "Worker (lab, port, farm)"
    OFFICIAL = "official", "Public official"
    OTHER = "other", "Other"
