"""Cookies for raw pyarrow.flight clients, so a server's Flight session lasts from call to
call (ADBC and JDBC keep them themselves)."""

import pyarrow.flight as flight


class CookieJar(flight.ClientMiddlewareFactory):
    """A client that keeps the cookies servers set, as browsers and JDBC do."""

    def __init__(self):
        self.cookies = {}

    def start_call(self, info):
        return _CookieMiddleware(self)


class _CookieMiddleware(flight.ClientMiddleware):
    def __init__(self, jar):
        self.jar = jar

    def sending_headers(self):
        if not self.jar.cookies:
            return {}
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.jar.cookies.items())}

    def received_headers(self, headers):
        for value in headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            cookie_value = rest.split(";")[0]
            if "Max-Age=0" in rest:
                self.jar.cookies.pop(name, None)
            else:
                self.jar.cookies[name] = cookie_value
