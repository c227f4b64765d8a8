"""TLS and mutual TLS from certificate files; certificates are made by openssl here."""

import subprocess

import pyarrow.flight as flight
import pytest

from conftest import quiver_binary, start_server


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", cwd=directory)


def make_signed(directory, name, ca, server: bool):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", cwd=directory)
    extensions = directory / f"{name}.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n" if server else "extendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-days", "2", "-extfile", extensions.name, "-out", f"{name}.pem", cwd=directory)


@pytest.fixture
def certificates(tmp_path):
    directory = tmp_path / "certs"
    directory.mkdir()
    make_ca(directory, "ca")
    make_ca(directory, "other_ca")
    make_signed(directory, "server", "ca", server=True)
    make_signed(directory, "client", "ca", server=False)
    return directory


def query_one(client):
    import flight_sql_wire as wire

    info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query("SELECT 42 AS answer")))
    return client.do_get(info.endpoints[0].ticket).read_all().to_pylist()


def test_tls_serves_clients_that_trust_its_ca(tmp_path, certificates):
    server = start_server(tmp_path, "--tls-cert", str(certificates / "server.pem"),
                          "--tls-key", str(certificates / "server.key"))
    try:
        assert server.uri.startswith("grpc+tls://")
        trusting = flight.connect(server.uri, tls_root_certs=(certificates / "ca.pem").read_bytes())
        assert query_one(trusting) == [{"answer": 42}]
        trusting.close()
        # A client that trusts another CA is refused.
        wrong = flight.connect(server.uri, tls_root_certs=(certificates / "other_ca.pem").read_bytes())
        with pytest.raises(flight.FlightUnavailableError):
            query_one(wrong)
        wrong.close()
    finally:
        assert server.stop() == 0


def test_mutual_tls_needs_a_client_certificate(tmp_path, certificates):
    server = start_server(tmp_path, "--tls-cert", str(certificates / "server.pem"),
                          "--tls-key", str(certificates / "server.key"),
                          "--tls-client-ca", str(certificates / "ca.pem"))
    try:
        ca = (certificates / "ca.pem").read_bytes()
        without = flight.connect(server.uri, tls_root_certs=ca)
        with pytest.raises(flight.FlightUnavailableError):
            query_one(without)
        without.close()
        with_certificate = flight.connect(server.uri, tls_root_certs=ca,
                                          cert_chain=(certificates / "client.pem").read_bytes(),
                                          private_key=(certificates / "client.key").read_bytes())
        assert query_one(with_certificate) == [{"answer": 42}]
        with_certificate.close()
        # `quiver sql` is such a client too.
        port = server.uri.rsplit(":", 1)[1]
        sql = [str(quiver_binary()), "sql", "--port", port, "--format", "csv", "--tls-ca", str(certificates / "ca.pem")]
        refused = subprocess.run([*sql, "-c", "SELECT 1"], capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1
        accepted = subprocess.run(
            [*sql, "--tls-cert", str(certificates / "client.pem"), "--tls-key", str(certificates / "client.key"),
             "-c", "SELECT 42 AS answer"],
            capture_output=True, text=True, timeout=60,
        )
        assert accepted.returncode == 0, accepted.stderr
        assert accepted.stdout.splitlines() == ["answer", "42"]
    finally:
        assert server.stop() == 0


def test_bad_certificate_files_are_named(tmp_path):
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate")
    result = subprocess.run(
        [str(__import__("conftest").quiver_binary()), "server", "--port", "0", "--data-dir", str(tmp_path / "d"),
         "--tls-cert", str(bogus), "--tls-key", str(bogus)],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert f"the TLS certificate {bogus} is not a PEM file" in result.stderr
