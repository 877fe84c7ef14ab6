"""Seaports, container terminals and border crossings that gazetteers miss or misplace, and a
few other places GeoNames lacks, written for this project from public facts.

A port's admin1 is the top-level ISO 3166-2 subdivision it lies in (checked against pycountry
26.2.16 by tests/sources/extraction/test_gazetteer.py); coordinates are approximate, to about
0.01 degree. Where a name means different ports in different countries (Manzanillo, Puerto
Bolívar, Cartagena), each is listed and the caller's country hint decides; without one the
earlier row wins.

Names that are ordinary town names elsewhere (San Antonio, Progreso, San Lorenzo) are given
only in their port form ("Puerto San Antonio"), since a port outranks a town in a lookup.
"""

# (name, aliases, country alpha-2, top-level admin1, latitude, longitude)
PORTS: list[tuple[str, tuple[str, ...], str, str | None, float, float]] = [
    # Peru
    (
        "Callao",
        ("Puerto del Callao", "Port of Callao", "Muelle Norte", "Muelle Sur", "Terminal Norte Multipropósito"),
        "PE",
        "PE-CAL",
        -12.05,
        -77.15,
    ),
    ("Paita", ("Puerto de Paita", "Paita Port", "Terminal Portuario de Paita"), "PE", "PE-PIU", -5.08, -81.11),
    ("Salaverry", ("Puerto de Salaverry", "Terminal Portuario de Salaverry"), "PE", "PE-LAL", -8.23, -78.98),
    (
        "Chancay",
        ("Puerto de Chancay", "Megapuerto de Chancay", "Terminal Portuario de Chancay"),
        "PE",
        "PE-LIM",
        -11.58,
        -77.27,
    ),
    ("Matarani", ("Puerto de Matarani", "Terminal Portuario de Matarani"), "PE", "PE-ARE", -17.00, -72.11),
    (
        "General San Martín",
        ("Puerto General San Martín", "Puerto de Pisco", "Pisco port"),
        "PE",
        "PE-ICA",
        -13.80,
        -76.29,
    ),
    ("Ilo", ("Puerto de Ilo",), "PE", "PE-MOQ", -17.64, -71.35),
    ("Chimbote", ("Puerto de Chimbote",), "PE", "PE-ANC", -9.07, -78.60),
    # Ecuador
    (
        "Guayaquil",
        (
            "Puerto Marítimo de Guayaquil",
            "Puerto de Guayaquil",
            "Puerto Libertador Simón Bolívar",
            "Contecon",
            "Contecon Guayaquil",
            "Terminal Portuario de Guayaquil",
        ),
        "EC",
        "EC-G",
        -2.28,
        -79.91,
    ),
    (
        "Posorja",
        ("Puerto de Posorja", "DP World Posorja", "Puerto de Aguas Profundas de Posorja"),
        "EC",
        "EC-G",
        -2.71,
        -80.27,
    ),
    ("Puerto Bolívar", ("Puerto Bolivar port",), "EC", "EC-O", -3.26, -80.01),
    ("Manta", ("Puerto de Manta",), "EC", "EC-M", -0.93, -80.72),
    ("Esmeraldas", ("Puerto de Esmeraldas",), "EC", "EC-E", 0.99, -79.65),
    # Colombia
    (
        "Buenaventura",
        ("Puerto de Buenaventura", "Sociedad Portuaria de Buenaventura", "TCBuen"),
        "CO",
        "CO-VAC",
        3.89,
        -77.08,
    ),
    (
        "Cartagena",
        ("Puerto de Cartagena", "Cartagena de Indias", "Contecar", "Sociedad Portuaria de Cartagena"),
        "CO",
        "CO-BOL",
        10.39,
        -75.53,
    ),
    ("Santa Marta", ("Puerto de Santa Marta",), "CO", "CO-MAG", 11.25, -74.22),
    ("Barranquilla", ("Puerto de Barranquilla",), "CO", "CO-ATL", 10.96, -74.77),
    ("Turbo", ("Puerto Antioquia", "Puerto de Turbo", "Nueva Colonia"), "CO", "CO-ANT", 8.09, -76.73),
    ("Tumaco", ("Puerto de Tumaco", "San Andrés de Tumaco"), "CO", "CO-NAR", 1.82, -78.76),
    ("Puerto Bolívar", (), "CO", "CO-LAG", 12.23, -71.96),
    # Panama. Manzanillo International Terminal, Colón Container Terminal and Cristóbal are
    # the Atlantic ports of Colón; Balboa the Pacific one on the east bank of the canal.
    # Rodman (PSA Panama) is on the WEST bank, in Arraiján district, which has belonged to
    # Panamá Oeste (PA-10) since that province was split from Panamá (PA-8) in 2014.
    (
        "Manzanillo International Terminal",
        ("Manzanillo", "MIT", "Puerto de Manzanillo", "Terminal Internacional de Manzanillo", "SSA Marine MIT"),
        "PA",
        "PA-3",
        9.36,
        -79.88,
    ),
    (
        "Colón Container Terminal",
        ("Colón", "Puerto de Colón", "Coco Solo", "Evergreen Colón"),
        "PA",
        "PA-3",
        9.37,
        -79.87,
    ),
    ("Cristóbal", ("Puerto de Cristóbal", "Cristobal port", "Panama Ports Cristóbal"), "PA", "PA-3", 9.35, -79.91),
    ("Balboa", ("Puerto de Balboa", "Port of Balboa", "Panama Ports Balboa"), "PA", "PA-8", 8.95, -79.57),
    (
        "Rodman",
        ("PSA Panama International Terminal", "PSA Panama", "Puerto de Rodman", "Base Naval Rodman"),
        "PA",
        "PA-10",
        8.95,
        -79.58,
    ),
    # Costa Rica
    (
        "Moín",
        ("Terminal de Contenedores de Moín", "TCM", "APM Terminals Moín", "Puerto Moín", "Muelle de Moín"),
        "CR",
        "CR-L",
        10.00,
        -83.07,
    ),
    ("Limón", ("Puerto Limón", "Puerto de Limón", "Muelle de Limón"), "CR", "CR-L", 9.99, -83.02),
    ("Caldera", ("Puerto Caldera", "Puerto de Caldera"), "CR", "CR-P", 9.91, -84.72),
    ("Peñas Blancas", ("Puesto fronterizo de Peñas Blancas",), "CR", "CR-G", 11.22, -85.61),
    # Nicaragua's side of the same crossing.
    ("Peñas Blancas", (), "NI", "NI-RI", 11.22, -85.62),
    ("Paso Canoas", ("Puesto fronterizo de Paso Canoas",), "CR", "CR-P", 8.53, -82.84),
    # Panama's side of the same crossing.
    ("Paso Canoas", (), "PA", "PA-4", 8.53, -82.84),
    # Central America and Mexico. ISO 3166-2 renumbered Guatemala's departments: Izabal is
    # GT-18 and Escuintla GT-05 (formerly GT-IZ and GT-ES).
    ("Puerto Cortés", ("Puerto de Cortés", "Operadora Portuaria Centroamericana"), "HN", "HN-CR", 15.84, -87.94),
    ("Puerto Castilla", (), "HN", "HN-CL", 16.01, -86.03),
    ("Puerto Henecán", ("Puerto de San Lorenzo",), "HN", "HN-VA", 13.42, -87.44),
    ("Santo Tomás de Castilla", ("Puerto Santo Tomás de Castilla", "Empornac"), "GT", "GT-18", 15.70, -88.62),
    ("Puerto Barrios", ("Puerto de Barrios",), "GT", "GT-18", 15.73, -88.60),
    ("Puerto Quetzal", ("Empresa Portuaria Quetzal",), "GT", "GT-05", 13.92, -90.79),
    ("Tecún Umán", ("Ciudad Tecún Umán",), "GT", "GT-12", 14.68, -92.14),
    ("Acajutla", ("Puerto de Acajutla",), "SV", "SV-SO", 13.57, -89.83),
    ("El Amatillo", (), "SV", "SV-UN", 13.60, -87.76),
    ("El Amatillo", (), "HN", "HN-VA", 13.60, -87.75),
    ("Corinto", ("Puerto de Corinto",), "NI", "NI-CI", 12.48, -87.18),
    ("Lázaro Cárdenas", ("Puerto de Lázaro Cárdenas", "Puerto Lázaro Cárdenas"), "MX", "MX-MIC", 17.94, -102.18),
    ("Manzanillo", ("Puerto de Manzanillo",), "MX", "MX-COL", 19.06, -104.31),
    ("Veracruz", ("Puerto de Veracruz",), "MX", "MX-VER", 19.20, -96.13),
    ("Altamira", ("Puerto de Altamira",), "MX", "MX-TAM", 22.48, -97.86),
    ("Ensenada", ("Puerto de Ensenada",), "MX", "MX-BCN", 31.85, -116.63),
    ("Mazatlán", ("Puerto de Mazatlán",), "MX", "MX-SIN", 23.19, -106.42),
    ("Topolobampo", ("Puerto de Topolobampo",), "MX", "MX-SIN", 25.60, -109.05),
    ("Coatzacoalcos", ("Puerto de Coatzacoalcos",), "MX", "MX-VER", 18.14, -94.41),
    ("Puerto Progreso", ("Puerto de Progreso",), "MX", "MX-YUC", 21.30, -89.67),
    # Caribbean. Caucedo lies in Boca Chica municipality, Santo Domingo province (DO-32),
    # whose ISO parent is the Ozama region, DO-40. The port of Haina straddles the river:
    # Haina Occidental (HIT, the container terminal) is in Bajos de Haina, San Cristóbal
    # province (DO-21, region Valdesia DO-41); Haina Oriental is in Santo Domingo Oeste (DO-40).
    (
        "Caucedo",
        ("Puerto Multimodal Caucedo", "Multimodal Caucedo", "DP World Caucedo", "Puerto de Caucedo", "Punta Caucedo"),
        "DO",
        "DO-40",
        18.43,
        -69.63,
    ),
    (
        "Haina",
        ("Puerto de Haina", "Haina Occidental", "Haina International Terminals", "Puerto de Río Haina"),
        "DO",
        "DO-41",
        18.42,
        -70.02,
    ),
    ("Haina Oriental", ("Puerto Haina Oriental",), "DO", "DO-40", 18.42, -70.00),
    ("Puerto Plata", ("Puerto de Puerto Plata",), "DO", "DO-35", 19.81, -70.69),
    ("San Pedro de Macorís", ("Puerto de San Pedro de Macorís",), "DO", "DO-39", 18.45, -69.30),
    # The downtown waterfront; the container terminal further west may lie in St Andrew.
    ("Kingston", ("Port of Kingston", "Kingston Harbour"), "JM", "JM-01", 17.97, -76.79),
    ("Port of Spain", ("Puerto España",), "TT", "TT-POS", 10.65, -61.52),
    ("Freeport", ("Freeport Container Port", "Freeport Harbour"), "BS", "BS-FP", 26.52, -78.77),
    ("Port of San Juan", ("Puerto de San Juan",), "PR", None, 18.46, -66.10),
    ("Willemstad", ("Puerto de Willemstad",), "CW", None, 12.11, -68.93),
    # Venezuela
    ("Puerto Cabello", (), "VE", "VE-G", 10.48, -68.01),
    ("La Guaira", ("Puerto de La Guaira",), "VE", "VE-X", 10.60, -66.93),
    ("Maracaibo", ("Puerto de Maracaibo",), "VE", "VE-V", 10.65, -71.60),
    # Brazil
    ("Santos", ("Porto de Santos", "Port of Santos", "Puerto de Santos"), "BR", "BR-SP", -23.97, -46.30),
    ("Paranaguá", ("Porto de Paranaguá",), "BR", "BR-PR", -25.50, -48.52),
    ("Itajaí", ("Porto de Itajaí",), "BR", "BR-SC", -26.90, -48.66),
    ("Navegantes", ("Portonave", "Porto de Navegantes"), "BR", "BR-SC", -26.89, -48.65),
    ("Rio Grande", ("Porto do Rio Grande", "Porto de Rio Grande"), "BR", "BR-RS", -32.07, -52.09),
    (
        "Pecém",
        ("Porto do Pecém", "Complexo do Pecém", "Complexo Industrial e Portuário do Pecém"),
        "BR",
        "BR-CE",
        -3.54,
        -38.81,
    ),
    ("Salvador", ("Porto de Salvador",), "BR", "BR-BA", -12.96, -38.51),
    ("Suape", ("Porto de Suape",), "BR", "BR-PE", -8.39, -34.96),
    ("Vitória", ("Porto de Vitória",), "BR", "BR-ES", -20.32, -40.34),
    ("Porto do Rio de Janeiro", ("Port of Rio de Janeiro",), "BR", "BR-RJ", -22.89, -43.19),
    ("Itaguaí", ("Porto de Itaguaí", "Porto de Sepetiba"), "BR", "BR-RJ", -22.93, -43.84),
    ("Porto de Vila do Conde", ("Vila do Conde port",), "BR", "BR-PA", -1.54, -48.75),
    # The Friendship Bridge joins Foz do Iguaçu (BR-PR) and Ciudad del Este (PY-10).
    ("Ponte da Amizade", ("Friendship Bridge",), "BR", "BR-PR", -25.51, -54.60),
    ("Puente de la Amistad", ("Puente Internacional de la Amistad",), "PY", "PY-10", -25.51, -54.60),
    # Rumichaca bridge joins Ipiales (CO-NAR) and Tulcán (EC-C).
    ("Puente Internacional de Rumichaca", ("Rumichaca",), "CO", "CO-NAR", 0.82, -77.66),
    ("Puente Internacional de Rumichaca", ("Rumichaca",), "EC", "EC-C", 0.82, -77.67),
    # Southern Cone
    ("Rosario", ("Puerto de Rosario",), "AR", "AR-S", -32.94, -60.63),
    ("Puerto de Buenos Aires", ("Port of Buenos Aires", "Puerto Nuevo"), "AR", "AR-C", -34.59, -58.37),
    ("Zárate", ("Puerto de Zárate",), "AR", "AR-B", -34.10, -59.02),
    ("Montevideo", ("Puerto de Montevideo",), "UY", "UY-MO", -34.90, -56.21),
    ("Nueva Palmira", ("Puerto de Nueva Palmira",), "UY", "UY-CO", -33.88, -58.42),
    ("Puerto San Antonio", ("Puerto de San Antonio",), "CL", "CL-VS", -33.59, -71.62),
    ("Valparaíso", ("Puerto de Valparaíso",), "CL", "CL-VS", -33.03, -71.63),
    ("Iquique", ("Puerto de Iquique", "Zofri"), "CL", "CL-TA", -20.20, -70.15),
    ("Arica", ("Puerto de Arica",), "CL", "CL-AP", -18.47, -70.32),
    ("Antofagasta", ("Puerto de Antofagasta",), "CL", "CL-AN", -23.64, -70.40),
    # Spain
    (
        "Algeciras",
        ("Puerto de Algeciras", "Port of Algeciras", "Puerto Bahía de Algeciras"),
        "ES",
        "ES-AN",
        36.13,
        -5.43,
    ),
    ("Valencia", ("Puerto de Valencia", "Port of Valencia", "València"), "ES", "ES-VC", 39.44, -0.32),
    ("Barcelona", ("Puerto de Barcelona", "Port of Barcelona", "Port de Barcelona"), "ES", "ES-CT", 41.35, 2.16),
    ("Vigo", ("Puerto de Vigo",), "ES", "ES-GA", 42.24, -8.73),
    ("Marín", ("Puerto de Marín",), "ES", "ES-GA", 42.39, -8.70),
    ("Bilbao", ("Puerto de Bilbao",), "ES", "ES-PV", 43.35, -3.05),
    ("Las Palmas", ("Puerto de Las Palmas", "Puerto de La Luz"), "ES", "ES-CN", 28.14, -15.42),
    ("Tarragona", ("Puerto de Tarragona",), "ES", "ES-CT", 41.10, 1.23),
    ("Cartagena", ("Puerto de Cartagena",), "ES", "ES-MC", 37.59, -0.98),
    ("Huelva", ("Puerto de Huelva",), "ES", "ES-AN", 37.20, -6.93),
    # Portugal. Sines is in Setúbal district (PT-15), not Porto (PT-13).
    ("Sines", ("Porto de Sines", "Terminal XXI"), "PT", "PT-15", 37.95, -8.87),
    ("Lisboa", ("Lisbon", "Porto de Lisboa", "Port of Lisbon", "Lisboa port"), "PT", "PT-11", 38.70, -9.17),
    ("Leixões", ("Porto de Leixões", "Matosinhos port"), "PT", "PT-13", 41.19, -8.70),
    ("Setúbal", ("Porto de Setúbal",), "PT", "PT-15", 38.52, -8.88),
    # North Sea and beyond
    ("Rotterdam", ("Port of Rotterdam", "Róterdam", "Roterdão", "Maasvlakte", "Europoort"), "NL", "NL-ZH", 51.95, 4.14),
    ("Vlissingen", ("Flushing",), "NL", "NL-ZE", 51.44, 3.60),
    ("Amsterdam", ("Port of Amsterdam", "Ámsterdam", "Amesterdão"), "NL", "NL-NH", 52.40, 4.85),
    (
        "Antwerp",
        (
            "Antwerpen",
            "Amberes",
            "Antuérpia",
            "Anvers",
            "Antwerp-Bruges",
            "Port of Antwerp-Bruges",
            "Port of Antwerp",
            "Puerto de Amberes",
        ),
        "BE",
        "BE-VLG",
        51.27,
        4.33,
    ),
    ("Zeebrugge", ("Port of Zeebrugge",), "BE", "BE-VLG", 51.33, 3.20),
    ("Hamburg", ("Hamburgo", "Port of Hamburg", "Puerto de Hamburgo"), "DE", "DE-HH", 53.53, 9.93),
    ("Bremerhaven", (), "DE", "DE-HB", 53.57, 8.55),
    ("Le Havre", ("El Havre", "Port du Havre"), "FR", "FR-NOR", 49.47, 0.15),
    ("Dunkirk", ("Dunkerque", "Dunquerque"), "FR", "FR-HDF", 51.05, 2.35),
    ("Marseille-Fos", ("Fos-sur-Mer", "Port of Marseille", "Marsella"), "FR", "FR-PAC", 43.42, 4.88),
    ("Felixstowe", ("Port of Felixstowe",), "GB", "GB-ENG", 51.95, 1.31),
    ("London Gateway", ("DP World London Gateway",), "GB", "GB-ENG", 51.50, 0.48),
    ("Southampton", ("Port of Southampton",), "GB", "GB-ENG", 50.90, -1.42),
    # Mediterranean
    ("Gioia Tauro", ("Porto di Gioia Tauro", "Puerto de Gioia Tauro"), "IT", "IT-78", 38.45, 15.90),
    ("Livorno", ("Leghorn", "Porto di Livorno"), "IT", "IT-52", 43.56, 10.30),
    ("Genoa", ("Genova", "Génova", "Gênova", "Gênes", "Porto di Genova"), "IT", "IT-42", 44.41, 8.90),
    ("La Spezia", ("Porto della Spezia",), "IT", "IT-42", 44.10, 9.84),
    ("Piraeus", ("El Pireo", "Pireu", "Port of Piraeus"), "GR", "GR-I", 37.94, 23.63),
    ("Constanța", ("Constanta", "Port of Constanța"), "RO", "RO-CT", 44.16, 28.66),
    ("Tanger Med", ("Tanger-Med", "Tánger Med"), "MA", "MA-01", 35.89, -5.50),
]

# Places GeoNames lacks or names otherwise. kind is one of the gazetteer's KINDS; a sea or
# bay has no admin1 (the corpus gives none at sea), a river or estuary inside one
# subdivision has that subdivision's.
# (name, aliases, country alpha-2, top-level admin1, kind, latitude, longitude)
EXTRA_PLACES: list[tuple[str, tuple[str, ...], str, str | None, str, float | None, float | None]] = [
    # Chapare province, Cochabamba; GeoNames' cities500 has no Villa Tunari.
    ("Villa Tunari", (), "BO", "BO-C", "city", -16.97, -65.42),
    # Peruvian news shortens the province Mariscal Ramón Castilla (Loreto) to "Mariscal
    # Castilla"; GeoNames' towns of that name are hamlets in La Libertad and San Martín.
    ("Mariscal Castilla", (), "PE", "PE-LOR", "admin2", -3.91, -70.51),
    ("El Estrecho", (), "PE", "PE-LOR", "city", -2.45, -72.67),
    # The Pearl Islands belong to Balboa district, Panamá province.
    ("Isla del Rey", ("Isla Del Rey", "Isla San Miguel"), "PA", "PA-8", "city", 8.38, -78.92),
    (
        "Archipiélago de las Perlas",
        ("Pearl Islands", "Islas de las Perlas", "Las Perlas"),
        "PA",
        "PA-8",
        "city",
        8.42,
        -79.03,
    ),
    ("Golfo de Urabá", ("Gulf of Urabá",), "CO", None, "water", 8.20, -76.90),
    ("Golfo de Guayaquil", ("Gulf of Guayaquil",), "EC", None, "water", -3.00, -80.30),
    ("Bahía de Panamá", ("Bay of Panama", "Panama Bay"), "PA", None, "water", 8.80, -79.40),
    ("Río Coto", ("Río Coto Colorado", "Coto Colorado"), "CR", "CR-P", "water", 8.56, -83.32),
    ("Río Huallaga", ("Huallaga River",), "PE", None, "water", None, None),
    ("Río Guadalquivir", ("Guadalquivir", "Guadalquivir River"), "ES", "ES-AN", "water", 36.80, -6.35),
    ("Ría de Arousa", ("Arousa estuary", "Ría de Arosa"), "ES", "ES-GA", "water", 42.55, -8.90),
]
