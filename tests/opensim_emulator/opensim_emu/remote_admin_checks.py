"""RemoteAdminPlugin's parameter checks (CheckStringParameters, CheckIntegerParams,
CheckRegionParams) and the exception its methods throw, shared by every method module."""

from .dotnet import DotNetError, cast_string


class OpenSimError(DotNetError):
    """`throw new Exception(message)` inside a RemoteAdmin method."""


def check_string_parameters(request, response, names):
    for name in names:
        if name not in request:
            response["accepted"] = False
            raise OpenSimError(f"missing string parameter {name}")
        if not cast_string(request[name]):
            response["accepted"] = False
            raise OpenSimError(f"parameter {name} is empty")


def check_integer_parameters(request, response, names):
    for name in names:
        if name not in request:
            response["accepted"] = False
            raise OpenSimError(f"missing integer parameter {name}")


def is_given(request, key):
    return key in request and bool(cast_string(request[key]))


def check_region_parameters(request, response):
    if is_given(request, "region_id") or is_given(request, "region_name"):
        return
    response["accepted"] = False
    raise OpenSimError("no region_name or region_id given")
