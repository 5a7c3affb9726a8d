"""A throwaway PostgreSQL/PostGIS cluster for the tests: installed from Debian when missing, started on a free
local port in a temporary folder, stopped and removed afterwards. Fails loudly when it cannot start."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

# PostgreSQL's major version per Debian release (sid and newer: 18)
POSTGRES_MAJOR = {"bookworm": 15, "trixie": 17}


def debian_packages():
    release = os.environ.get("DEBIAN_RELEASE") or _os_release().get("VERSION_CODENAME", "bookworm")
    return ["postgresql", f"postgresql-{POSTGRES_MAJOR.get(release, 18)}-postgis-3"]


def _os_release():
    try:
        lines = Path("/etc/os-release").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split("=", 1) for line in lines if "=" in line)


class PostGISUnavailableError(RuntimeError):
    pass


def _bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _postgis_installed():
    return bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control"))


def ensure_installed():
    if _bin_dir() and _postgis_installed():
        return
    if os.geteuid() != 0:
        raise PostGISUnavailableError(
            f"PostgreSQL/PostGIS ontbreekt en dit proces is geen root: installeer {' '.join(debian_packages())}."
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *debian_packages()], check=True, env=env
    )
    if not (_bin_dir() and _postgis_installed()):
        raise PostGISUnavailableError("PostgreSQL/PostGIS is na installatie nog niet te vinden.")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """``with Cluster() as db: db.uri`` gives a PostGIS database on 127.0.0.1."""

    def __init__(self, dbname="veerkracht"):
        self.dbname = dbname
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="veerkracht-pg-"))
        self.data = self.folder / "data"
        self.bin = None
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args, check=True):
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise PostGISUnavailableError(f"{' '.join(command)} faalde:\n{result.stdout}\n{result.stderr}")
        return result

    def __enter__(self):
        ensure_installed()
        self.bin = _bin_dir()
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.folder / "log", "-w", "start")
        self.psql("-d", "postgres", "-c", f"CREATE DATABASE {self.dbname}")
        self.psql("-c", "CREATE EXTENSION postgis")
        return self

    def psql(self, *args):
        return self._run(
            self.bin / "psql",
            "-h",
            "127.0.0.1",
            "-p",
            self.port,
            "-U",
            "postgres",
            *(args if "-d" in args else ("-d", self.dbname, *args)),
            "-v",
            "ON_ERROR_STOP=1",
        )

    @property
    def ogr_connection(self):
        return f"PG:host=127.0.0.1 port={self.port} dbname={self.dbname} user=postgres"

    def load(self, source, layer, table):
        """Copy a layer into the database with ogr2ogr (geometry column 'geom')."""
        result = subprocess.run(
            [
                "ogr2ogr",
                "-f",
                "PostgreSQL",
                self.ogr_connection,
                str(source),
                layer,
                "-nln",
                table,
                "-lco",
                "GEOMETRY_NAME=geom",
                "-lco",
                "FID=id",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise PostGISUnavailableError(f"ogr2ogr naar PostGIS faalde: {result.stderr}")

    def layer_uri(self, table):
        from qgis.core import QgsDataSourceUri

        uri = QgsDataSourceUri()
        uri.setConnection("127.0.0.1", str(self.port), self.dbname, "postgres", "")
        uri.setDataSource("public", table, "geom", "", "id")
        return uri.uri(False)

    def __exit__(self, *exc):
        if self.bin is not None and self.data.exists():
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
