"""The demo kabupaten's CMDB (issue 14, item 8): what Diskominfo's data centre runs and the
demo services stand on, so the CMDB's pages show something on first run.

A data centre with three virtualisation hosts and a colocated recovery site; the core
network (router, firewall, switch) and three links (internet, the government intranet,
the VPN to the recovery site); virtual machines, databases and one application per demo
service, each linked to its service; licences, one of them (the hypervisors') running out
three weeks after the load, so notices and impact have something to show; and the DRP
documents of two Kritis services. Relations make the dependencies real: a shared database
VM carries four services, the expiring licence all of them.

Loaded by `app.services.demo.load_demo` through the same services as the API (the system
acting), item by item and relation by relation; what exists is left as it is. With the
procedures deployed, `file_past_outage` adds a resolved Mayor complaint naming SIMPEG's
database a week earlier, so availability has an outage to explain.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.clock import Clock, FixedClock
from app.models import ConfigurationItem, ConfigurationRelation, Instance, ProcessModel, User
from app.services.configuration.items import ItemService, name_key
from app.services.configuration.relations import RelationService
from app.services.instances.lifecycle import InstanceService
from app.services.tasks.inbox import TaskService

#: Days from the load to the end of the hypervisor licence: soon enough to be noticed.
EXPIRING_IN_DAYS = 21
REASON = "Data demo"
#: The item the demo's sample complaint (SRIKANDI down) names.
SAMPLE_COMPLAINT_ITEM = "APP-SRIKANDI"

DC = "DISKOMINFO"
_DC_ROOM = "Pusat data Diskominfo, Jl. Ahmad Yani No. 1, lantai 2"


def _server(
    serial: str, host: str, ip: str, maker: str, model: str, **extra: Any
) -> dict[str, Any]:
    return {
        "serial_number": serial,
        "hostname": host,
        "ip_address": ip,
        "manufacturer": maker,
        "model": model,
        "operating_system": "VMware ESXi 8.0 U2",
        "cpu_cores": 32,
        "ram_gb": 256,
        "storage_gb": 4000,
        **extra,
    }


def _vm(
    host: str, ip: str, cpu: int, ram: int, disk: int, system: str = "Ubuntu 22.04"
) -> dict[str, Any]:
    return {
        "hostname": host,
        "ip_address": ip,
        "operating_system": f"{system} LTS" if system.startswith("Ubuntu") else system,
        "cpu_cores": cpu,
        "ram_gb": ram,
        "storage_gb": disk,
    }


def _db(engine: str, version: str, host: str, port: int, name: str) -> dict[str, Any]:
    return {"engine": engine, "version": version, "host": host, "port": port, "database_name": name}


def _app(url: str, vendor: str, version: str = "", platform: str = "web") -> dict[str, Any]:
    attributes = {"url": url, "vendor": vendor, "platform": platform}
    return {**attributes, "version": version} if version else attributes


#: (type, name, PD, labels, services, attributes, extra fields)
ITEMS: list[tuple[str, str, str, list[str], list[str], dict[str, Any], dict[str, Any]]] = [
    (
        "data_centre",
        "DC-DISKOMINFO",
        DC,
        ["produksi"],
        [],
        {"address": _DC_ROOM, "tier": "Tier II", "kind": "own"},
        {"location": _DC_ROOM},
    ),
    (
        "data_centre",
        "DC-DRC-KOLOKASI",
        DC,
        ["drc"],
        [],
        {"address": "Gedung kolokasi mitra, Makassar", "tier": "Tier III", "kind": "colocation"},
        {"location": "Makassar"},
    ),
    (
        "network_device",
        "NET-CORE-RTR01",
        DC,
        ["produksi", "jaringan"],
        [],
        {
            "kind": "router",
            "manufacturer": "MikroTik",
            "model": "CCR2004-16G-2S+",
            "serial_number": "HE108MT24001",
            "ip_address": "10.10.0.1",
        },
        {"location": f"{_DC_ROOM}, rak 1"},
    ),
    (
        "network_device",
        "NET-FW01",
        DC,
        ["produksi", "jaringan", "keamanan"],
        [],
        {
            "kind": "firewall",
            "manufacturer": "Fortinet",
            "model": "FortiGate 100F",
            "serial_number": "FG100FTK22001234",
            "ip_address": "10.10.0.2",
        },
        {"location": f"{_DC_ROOM}, rak 1"},
    ),
    (
        "network_device",
        "NET-CORE-SW01",
        DC,
        ["produksi", "jaringan"],
        ["JARINGAN"],
        {
            "kind": "switch",
            "manufacturer": "Cisco",
            "model": "Catalyst 9300-48T",
            "serial_number": "FOC2531X0AB",
            "ip_address": "10.10.0.3",
        },
        {"location": f"{_DC_ROOM}, rak 1"},
    ),
    (
        "link",
        "LNK-INTERNET-ISP1",
        DC,
        ["produksi", "jaringan"],
        [],
        {
            "provider": "PT Telkom Indonesia (Astinet)",
            "circuit_id": "ASTINET-7731-0042",
            "bandwidth_mbps": 500,
            "kind": "internet",
        },
        {},
    ),
    (
        "link",
        "LNK-INTRANET-FO",
        DC,
        ["produksi", "jaringan"],
        ["JARINGAN"],
        {
            "provider": "Diskominfo (serat optik milik pemda)",
            "circuit_id": "FO-PEMDA-RING-01",
            "bandwidth_mbps": 1000,
            "kind": "intranet",
        },
        {},
    ),
    (
        "link",
        "LNK-VPN-DRC",
        DC,
        ["drc", "jaringan"],
        [],
        {
            "provider": "PT Aplikanusa Lintasarta",
            "circuit_id": "IPVPN-DRC-0042",
            "bandwidth_mbps": 100,
            "kind": "vpn",
        },
        {},
    ),
    (
        "server",
        "SRV-DC1-01",
        DC,
        ["produksi", "virtualisasi"],
        [],
        _server("7H2K9R3", "esxi-01", "10.10.1.11", "Dell", "PowerEdge R750"),
        {"location": f"{_DC_ROOM}, rak 2", "administrators": ["admin.infra"]},
    ),
    (
        "server",
        "SRV-DC1-02",
        DC,
        ["produksi", "virtualisasi"],
        [],
        _server("7H2L3R3", "esxi-02", "10.10.1.12", "Dell", "PowerEdge R750"),
        {"location": f"{_DC_ROOM}, rak 2", "administrators": ["admin.infra"]},
    ),
    (
        "server",
        "SRV-DC1-03",
        DC,
        ["produksi", "virtualisasi"],
        [],
        _server("CZ20410K7P", "esxi-03", "10.10.1.13", "HPE", "ProLiant DL380 Gen10", ram_gb=192),
        {"location": f"{_DC_ROOM}, rak 3", "administrators": ["admin.infra"]},
    ),
    (
        "server",
        "SRV-DRC-01",
        DC,
        ["drc", "cadangan"],
        [],
        _server(
            "9K1M2R3",
            "backup-drc-01",
            "10.20.1.11",
            "Dell",
            "PowerEdge R650",
            operating_system="Ubuntu 22.04 LTS",
            ram_gb=128,
            storage_gb=24000,
        ),
        {"location": "Gedung kolokasi mitra, Makassar, rak B4"},
    ),
    (
        "virtual_machine",
        "VM-WEB-01",
        DC,
        ["produksi"],
        [],
        _vm("web-01", "10.10.2.11", 4, 8, 200),
        {},
    ),
    (
        "virtual_machine",
        "VM-MAIL-01",
        DC,
        ["produksi"],
        [],
        _vm("mail-01", "10.10.2.12", 8, 32, 2000, "Rocky Linux 9"),
        {},
    ),
    (
        "virtual_machine",
        "VM-SRIKANDI-APP01",
        DC,
        ["produksi"],
        [],
        _vm("srikandi-app01", "10.10.2.21", 4, 16, 300),
        {},
    ),
    (
        "virtual_machine",
        "VM-SIMPEG-APP01",
        DC,
        ["produksi"],
        [],
        _vm("simpeg-app01", "10.10.2.22", 4, 16, 200),
        {},
    ),
    (
        "virtual_machine",
        "VM-SIPKD-APP01",
        DC,
        ["produksi", "keuangan"],
        [],
        _vm("sipkd-app01", "10.10.2.23", 8, 32, 300),
        {},
    ),
    (
        "virtual_machine",
        "VM-LAYANAN-APP01",
        DC,
        ["produksi", "publik"],
        [],
        _vm("layanan-app01", "10.10.2.24", 8, 16, 300),
        {},
    ),
    (
        "virtual_machine",
        "VM-DB-01",
        DC,
        ["produksi", "basis-data"],
        [],
        _vm("db-01", "10.10.3.11", 8, 64, 2000),
        {},
    ),
    (
        "virtual_machine",
        "VM-DB-02",
        DC,
        ["produksi", "basis-data", "keuangan"],
        [],
        _vm("db-02", "10.10.3.12", 8, 64, 1000),
        {},
    ),
    (
        "database",
        "DB-SRIKANDI",
        DC,
        ["produksi"],
        [],
        _db("PostgreSQL", "14", "db-01", 5432, "srikandi"),
        {},
    ),
    (
        "database",
        "DB-SIMPEG",
        "BKPSDM",
        ["produksi"],
        [],
        _db("PostgreSQL", "14", "db-01", 5432, "simpeg"),
        {},
    ),
    (
        "database",
        "DB-EKINERJA",
        "BKPSDM",
        ["produksi"],
        [],
        _db("PostgreSQL", "14", "db-01", 5432, "ekinerja"),
        {},
    ),
    (
        "database",
        "DB-LAYANAN",
        DC,
        ["produksi", "publik"],
        [],
        _db("MySQL", "8.0", "db-01", 3306, "layanan"),
        {},
    ),
    (
        "database",
        "DB-WEBSITE",
        DC,
        ["produksi", "publik"],
        [],
        _db("MariaDB", "10.11", "web-01", 3306, "wordpress"),
        {},
    ),
    (
        "database",
        "DB-SIPKD",
        "BPKAD",
        ["produksi", "keuangan"],
        [],
        _db("PostgreSQL", "15", "db-02", 5432, "sipkd"),
        {"administrators": ["teknis.sipkd"]},
    ),
    (
        "database",
        "DB-PAJAK",
        "BPKAD",
        ["produksi", "keuangan"],
        [],
        _db("PostgreSQL", "15", "db-02", 5432, "pajak_daerah"),
        {},
    ),
    (
        "application",
        "APP-EMAIL",
        DC,
        ["produksi", "kritis"],
        ["EMAIL"],
        _app("https://mail.demo.go.id", "Zimbra Collaboration", "10.0"),
        {},
    ),
    (
        "application",
        "APP-SRIKANDI",
        DC,
        ["produksi"],
        ["SRIKANDI"],
        _app("https://srikandi.demo.go.id", "ANRI", "3.0"),
        {},
    ),
    (
        "application",
        "APP-SIMPEG",
        "BKPSDM",
        ["produksi"],
        ["SIMPEG"],
        _app("https://simpeg.demo.go.id", "BKPSDM (swakelola)", "2.4"),
        {},
    ),
    (
        "application",
        "APP-EKINERJA",
        "BKPSDM",
        ["produksi"],
        ["E-KINERJA"],
        _app("https://ekinerja.demo.go.id", "BKPSDM (swakelola)", "1.8"),
        {},
    ),
    (
        "application",
        "APP-SIPKD",
        "BPKAD",
        ["produksi", "kritis", "keuangan"],
        ["SIPKD"],
        _app("https://sipkd.demo.go.id", "Kemendagri (SIPD)", "2026.1"),
        {"administrators": ["teknis.sipkd"]},
    ),
    (
        "application",
        "APP-PAJAK-DAERAH",
        "BPKAD",
        ["produksi", "kritis", "publik"],
        ["PAJAK-DAERAH"],
        _app("https://pajak.demo.go.id", "PT Mitra Pajak Nusantara", "4.2"),
        {},
    ),
    (
        "application",
        "APP-SIAK-GATEWAY",
        "DISDUKCAPIL",
        ["produksi", "kritis"],
        ["SIAK"],
        _app("https://siak-gw.demo.go.id", "Ditjen Dukcapil Kemendagri", "9.0"),
        {},
    ),
    (
        "application",
        "APP-PERIZINAN",
        "DPMPTSP",
        ["produksi", "publik"],
        ["OSS-PERIZINAN"],
        _app("https://perizinan.demo.go.id", "DPMPTSP (swakelola)", "3.1"),
        {},
    ),
    (
        "application",
        "APP-ANTREAN",
        "DISDUKCAPIL",
        ["produksi", "publik"],
        ["ANTREAN"],
        _app("https://antrean.demo.go.id", "Diskominfo (swakelola)", "1.2", "web, seluler"),
        {},
    ),
    (
        "application",
        "APP-PPID",
        DC,
        ["produksi", "publik"],
        ["PPID"],
        _app("https://ppid.demo.go.id", "WordPress", "6.6"),
        {},
    ),
    (
        "application",
        "APP-WEBSITE",
        DC,
        ["produksi", "publik"],
        ["WEBSITE"],
        _app("https://demo.go.id", "WordPress", "6.6"),
        {},
    ),
    (
        "licence",
        "LIC-VMWARE-VSPHERE",
        DC,
        ["virtualisasi"],
        [],
        {
            "product": "VMware vSphere Foundation",
            "vendor": "Broadcom",
            "agreement_number": "PKS/027/DISKOMINFO/2025",
            "licence_kind": "langganan tahunan",
        },
        {},
    ),
    (
        "licence",
        "LIC-FORTIGUARD-UTM",
        DC,
        ["keamanan"],
        [],
        {
            "product": "FortiGuard Unified Threat Protection",
            "vendor": "Fortinet",
            "agreement_number": "SP/114/DISKOMINFO/2026",
            "licence_kind": "langganan tahunan",
        },
        {},
    ),
    (
        "licence",
        "LIC-SSL-WILDCARD",
        DC,
        ["keamanan", "publik"],
        [],
        {
            "product": "Sertifikat SSL wildcard *.demo.go.id",
            "vendor": "Sectigo",
            "agreement_number": "INV-SSL-2026-118",
            "licence_kind": "langganan tahunan",
        },
        {},
    ),
    (
        "document",
        "DOC-DRP-SIPKD-2026",
        "BPKAD",
        ["drp", "kritis"],
        [],
        {"number": "DRP-SIPKD-2026", "version": "1.0", "issued_on": "2026-01-15"},
        {},
    ),
    (
        "document",
        "DOC-DRP-EMAIL-2026",
        DC,
        ["drp", "kritis"],
        [],
        {"number": "DRP-EMAIL-2026", "version": "1.1", "issued_on": "2026-02-02"},
        {},
    ),
]

#: Licence records: item, holder, seats, days from the load to the expiry, reference.
LICENCES = [
    ("LIC-VMWARE-VSPHERE", "Diskominfo", 96, EXPIRING_IN_DAYS, "PKS/027/DISKOMINFO/2025"),
    ("LIC-FORTIGUARD-UTM", "Diskominfo", 1, 150, "SP/114/DISKOMINFO/2026"),
    ("LIC-SSL-WILDCARD", "Diskominfo", 1, 240, "INV-SSL-2026-118"),
]


def _relations() -> list[tuple[str, str, str]]:
    """(source, type, target): `source <type> target`."""
    hosts = [
        ("DC-DISKOMINFO", "hosts", target)
        for target in (
            "SRV-DC1-01",
            "SRV-DC1-02",
            "SRV-DC1-03",
            "NET-CORE-RTR01",
            "NET-FW01",
            "NET-CORE-SW01",
        )
    ] + [("DC-DRC-KOLOKASI", "hosts", "SRV-DRC-01")]
    servers = [
        (server, kind, target)
        for server in ("SRV-DC1-01", "SRV-DC1-02", "SRV-DC1-03")
        for kind, target in (
            ("connects_to", "NET-CORE-SW01"),
            ("uses_licence", "LIC-VMWARE-VSPHERE"),
        )
    ]
    network = [
        ("NET-FW01", "connects_to", "LNK-INTERNET-ISP1"),
        ("NET-FW01", "uses_licence", "LIC-FORTIGUARD-UTM"),
        ("LNK-INTRANET-FO", "connects_to", "NET-CORE-RTR01"),
        ("NET-CORE-RTR01", "connects_to", "NET-CORE-SW01"),
        ("SRV-DRC-01", "connects_to", "LNK-VPN-DRC"),
    ]
    machines = [
        ("VM-WEB-01", "runs_on", "SRV-DC1-01"),
        ("VM-MAIL-01", "runs_on", "SRV-DC1-01"),
        ("VM-SRIKANDI-APP01", "runs_on", "SRV-DC1-02"),
        ("VM-SIMPEG-APP01", "runs_on", "SRV-DC1-02"),
        ("VM-DB-01", "runs_on", "SRV-DC1-02"),
        ("VM-SIPKD-APP01", "runs_on", "SRV-DC1-03"),
        ("VM-LAYANAN-APP01", "runs_on", "SRV-DC1-03"),
        ("VM-DB-02", "runs_on", "SRV-DC1-03"),
    ]
    databases = [
        ("DB-SRIKANDI", "runs_on", "VM-DB-01"),
        ("DB-SIMPEG", "runs_on", "VM-DB-01"),
        ("DB-EKINERJA", "runs_on", "VM-DB-01"),
        ("DB-LAYANAN", "runs_on", "VM-DB-01"),
        ("DB-WEBSITE", "runs_on", "VM-WEB-01"),
        ("DB-SIPKD", "runs_on", "VM-DB-02"),
        ("DB-PAJAK", "runs_on", "VM-DB-02"),
    ]
    applications = [
        ("APP-EMAIL", "runs_on", "VM-MAIL-01"),
        ("APP-EMAIL", "depends_on", "NET-FW01"),
        ("APP-EMAIL", "uses_licence", "LIC-SSL-WILDCARD"),
        ("APP-SRIKANDI", "runs_on", "VM-SRIKANDI-APP01"),
        ("APP-SRIKANDI", "depends_on", "DB-SRIKANDI"),
        ("APP-SRIKANDI", "depends_on", "LNK-INTRANET-FO"),
        ("APP-SIMPEG", "runs_on", "VM-SIMPEG-APP01"),
        ("APP-SIMPEG", "depends_on", "DB-SIMPEG"),
        ("APP-SIMPEG", "depends_on", "LNK-INTRANET-FO"),
        ("APP-EKINERJA", "runs_on", "VM-SIMPEG-APP01"),
        ("APP-EKINERJA", "depends_on", "DB-EKINERJA"),
        ("APP-EKINERJA", "depends_on", "APP-SIMPEG"),
        ("APP-SIPKD", "runs_on", "VM-SIPKD-APP01"),
        ("APP-SIPKD", "depends_on", "DB-SIPKD"),
        ("APP-SIPKD", "depends_on", "LNK-INTRANET-FO"),
        ("APP-PAJAK-DAERAH", "runs_on", "VM-SIPKD-APP01"),
        ("APP-PAJAK-DAERAH", "depends_on", "DB-PAJAK"),
        ("APP-PAJAK-DAERAH", "depends_on", "NET-FW01"),
        ("APP-PAJAK-DAERAH", "uses_licence", "LIC-SSL-WILDCARD"),
        ("APP-SIAK-GATEWAY", "runs_on", "VM-LAYANAN-APP01"),
        ("APP-SIAK-GATEWAY", "depends_on", "LNK-INTRANET-FO"),
        ("APP-PERIZINAN", "runs_on", "VM-LAYANAN-APP01"),
        ("APP-PERIZINAN", "depends_on", "DB-LAYANAN"),
        ("APP-PERIZINAN", "depends_on", "NET-FW01"),
        ("APP-ANTREAN", "runs_on", "VM-LAYANAN-APP01"),
        ("APP-ANTREAN", "depends_on", "DB-LAYANAN"),
        ("APP-ANTREAN", "depends_on", "APP-SIAK-GATEWAY"),
        ("APP-ANTREAN", "depends_on", "NET-FW01"),
        ("APP-PPID", "runs_on", "VM-WEB-01"),
        ("APP-PPID", "depends_on", "DB-WEBSITE"),
        ("APP-PPID", "depends_on", "NET-FW01"),
        ("APP-WEBSITE", "runs_on", "VM-WEB-01"),
        ("APP-WEBSITE", "depends_on", "DB-WEBSITE"),
        ("APP-WEBSITE", "depends_on", "NET-FW01"),
        ("APP-WEBSITE", "uses_licence", "LIC-SSL-WILDCARD"),
    ]
    return hosts + servers + network + machines + databases + applications


RELATIONS = _relations()


def load_demo_configuration(session: Session, clock: Clock) -> int:
    """Register the demo CMDB's items and relations that are not there yet, as the system.

    Args:
        session: the database session (the demo PDs, services and users loaded).
        clock: when; the hypervisor licence runs out `EXPIRING_IN_DAYS` after it.

    Returns:
        How many items were registered (0 on a second run).
    """
    items = ItemService(session, clock)
    today = clock.now().date()
    records = {
        item: [
            {
                "holder": holder,
                "seats": seats,
                "expires_on": today + timedelta(days=days),
                "reference": reference,
            }
        ]
        for item, holder, seats, days, reference in LICENCES
    }
    existing = set(session.scalars(select(ConfigurationItem.name_key)))
    created = 0
    for kind, name, agency, labels, services, attributes, extra in ITEMS:
        if name_key(name) in existing:
            continue
        entry = {
            "type": kind,
            "name": name,
            "agency": agency,
            "labels": labels,
            "services": services,
            "attributes": attributes,
            "licences": records.get(name, []),
            **extra,
        }
        items.create(entry, REASON)
        created += 1
    _relate(session, clock)
    return created


def _relate(session: Session, clock: Clock) -> None:
    """Add the demo relations missing between demo items that exist."""
    source, target = aliased(ConfigurationItem), aliased(ConfigurationItem)
    have = {
        (start, kind, end)
        for start, kind, end in session.execute(
            select(source.name, ConfigurationRelation.type, target.name)
            .join(source, source.id == ConfigurationRelation.source_id)
            .join(target, target.id == ConfigurationRelation.target_id)
        )
    }
    ids = {
        name: ident
        for name, ident in session.execute(select(ConfigurationItem.name, ConfigurationItem.id))
    }
    relations = RelationService(session, clock)
    for relation in RELATIONS:
        start, kind, end = relation
        if relation not in have and start in ids and end in ids:
            relations.add(ids[start], kind, ids[end], REASON)


# -- a past outage --------------------------------------------------------------------------

#: SIMPEG's database stopped one weekday morning a week before the load: BKPSDM's
#: provider reported it, the service desk classified it Mayor naming DB-SIMPEG (so it
#: counts against SIMPEG and E-KINERJA, which both stand on it), fixed it and the reporter
#: confirmed, all through the complaint procedure as people do it.
PAST_OUTAGE_ITEM = "DB-SIMPEG"
PAST_OUTAGE_REPORTER = "penyedia.bkpsdm"
PAST_OUTAGE_DESK = "admin.layanan"
PAST_OUTAGE_DAYS_AGO = 7
PAST_OUTAGE_MODEL = "penanganan-aduan"
PAST_OUTAGE: dict[str, Any] = {
    "layanan": "SIMPEG",
    "judul": "SIMPEG tidak dapat dibuka",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Semua halaman SIMPEG menampilkan galat koneksi basis data.",
    "dampak": "Mayor",
    "nip_nik": "198204112008011003",
    "instansi": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "telepon": "081234567892",
}
#: (hour, minute) in WIB of each step: reported, classified, fixed, confirmed.
PAST_OUTAGE_TIMES = ((8, 10), (8, 25), (10, 40), (11, 5))
WIB = ZoneInfo("Asia/Jakarta")


def _outage_day(now: datetime) -> date:
    """The weekday `PAST_OUTAGE_DAYS_AGO` or more days before `now`, in WIB."""
    day = now.astimezone(WIB).date() - timedelta(days=PAST_OUTAGE_DAYS_AGO)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def file_past_outage(instances: InstanceService) -> Instance | None:
    """File and resolve the demo's past outage at the times it happened, unless its
    reporter has filed a complaint already, the procedure is not deployed or the CMDB
    has no `PAST_OUTAGE_ITEM`.

    Args:
        instances: the instance service of the demo's transaction; its clock says now.

    Returns:
        The complaint, complete, or None when nothing was filed.
    """
    session = instances.session
    reporter = session.scalar(select(User).where(User.username == PAST_OUTAGE_REPORTER))
    desk = session.scalar(select(User).where(User.username == PAST_OUTAGE_DESK))
    item_id = session.scalar(
        select(ConfigurationItem.id).where(ConfigurationItem.name_key == name_key(PAST_OUTAGE_ITEM))
    )
    deployed = session.get(ProcessModel, PAST_OUTAGE_MODEL) is not None
    if reporter is None or desk is None or item_id is None or not deployed:
        return None
    filed = select(Instance.id).where(
        Instance.started_by_id == reporter.id, Instance.process_model_id == PAST_OUTAGE_MODEL
    )
    if session.scalar(filed) is not None:
        return None
    day = _outage_day(instances.clock.now())
    moments = [datetime.combine(day, time(h, m), WIB) for h, m in PAST_OUTAGE_TIMES]
    clock = FixedClock(moments[0])
    then = InstanceService(session, clock, instances.specs, instances.runtime, instances.mail)
    tasks = TaskService(session, clock, instances.specs, instances.runtime, instances.mail)
    complaint = then.start(PAST_OUTAGE_MODEL, PAST_OUTAGE, reporter)
    steps = [
        (
            desk,
            {
                "kategori": "aplikasi",
                "dampak": "Mayor",
                "prioritas": complaint.data["prioritas"],
                "analisis": "Layanan basis data SIMPEG berhenti; SIMPEG dan E-Kinerja terhenti.",
                "estimasi_selesai": moments[2].isoformat(),
                "komponen_cmdb": [item_id],
            },
        ),
        (desk, {"aktivitas_penanganan": "Basis data dijalankan ulang.", "terselesaikan": True}),
        (reporter, {"konfirmasi": "diterima", "cara_konfirmasi": "telepon", "kepuasan": 4}),
    ]
    for moment, (user, data) in zip(moments[1:], steps, strict=True):
        clock.set(moment)
        [task] = then.open_tasks(complaint)
        tasks.complete(task.id, data, user)
    return complaint
