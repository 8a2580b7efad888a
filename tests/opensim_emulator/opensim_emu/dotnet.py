"""The .NET conversions RemoteAdminPlugin applies to XML-RPC parameters, with the exception
messages Mono prints. OpenSim's answers are those messages, so the emulator must fail on exactly
the inputs OpenSim fails on, with the same text."""

import re
import uuid

INVALID_CAST = "Specified cast is not valid."
BAD_FORMAT = "Input string was not in a correct format."
NULL_REFERENCE = "Object reference not set to an instance of an object."
INVALID_UUID = "Invalid UUID"
INVALID_IP = "An invalid IP address was specified."
PORT_OUT_OF_RANGE = "Specified argument was out of the range of valid values. Parameter name: value"
BAD_BOOLEAN = "String was not recognized as a valid Boolean."
INDEX_OUT_OF_RANGE = ("Index was out of range. Must be non-negative and less than the size of the "
                      "collection. Parameter name: index")


class DotNetError(Exception):
    """An exception OpenSim would catch and report as {success: false, error: message}."""


# .NET NumberStyles.Integer: optional white space, optional sign, ASCII digits.
_INTEGER = re.compile(r"^[\t\n\v\f\r ]*([+-]?)([0-9]+)[\t\n\v\f\r ]*$")


def cast_string(value):
    """C# `(string) requestData[key]`: a string or null passes, anything else throws."""
    if value is None or isinstance(value, str):
        return value
    raise DotNetError(INVALID_CAST)


def _parse_integer(text, low, high, type_name):
    match = _INTEGER.match(text)
    if not match:
        raise DotNetError(BAD_FORMAT)
    number = int(match.group(2))
    if match.group(1) == "-":
        number = -number
    if number < low or number > high:
        raise DotNetError(f"Value was either too large or too small for {type_name}.")
    return number


def _convert_integer(value, low, high, type_name):
    # Convert.ToXxx(object): null is 0, bool is 0/1, double rounds half to even.
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, str):
        return _parse_integer(value, low, high, type_name)
    if isinstance(value, int):
        if value < low or value > high:
            raise DotNetError(f"Value was either too large or too small for {type_name}.")
        return value
    if isinstance(value, float):
        rounded = round(value)  # Python rounds half to even, like Math.Round
        if rounded < low or rounded > high:
            raise DotNetError(f"Value was either too large or too small for {type_name}.")
        return rounded
    raise DotNetError(INVALID_CAST)


def to_uint32(value):
    """Convert.ToUInt32(object)."""
    return _convert_integer(value, 0, 2**32 - 1, "a UInt32")


def to_int32(value):
    """Convert.ToInt32(object)."""
    return _convert_integer(value, -(2**31), 2**31 - 1, "an Int32")


def to_boolean(value):
    """Convert.ToBoolean(object): null is false, strings must say true or false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "true":
            return True
        if text == "false":
            return False
        raise DotNetError(BAD_BOOLEAN)
    if isinstance(value, (int, float)):
        return value != 0
    raise DotNetError(INVALID_CAST)


def get_boolean(request, key, default):
    """RemoteAdminPlugin.GetBoolean: a string parameter; unknown words give the default."""
    if key not in request:
        return default
    text = cast_string(request[key])
    if text is None:
        raise DotNetError(NULL_REFERENCE)
    text = text.lower()
    if text in ("true", "t", "1"):
        return True
    if text in ("false", "f", "0"):
        return False
    return default


_GUID_FORMS = (
    re.compile(r"^[0-9a-fA-F]{32}$"),
    re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    re.compile(r"^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$"),
    re.compile(r"^\([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\)$"),
)


def try_parse_uuid(text):
    """OpenMetaverse UUID.TryParse: the Guid forms N, D, B and P; returns None when invalid."""
    if text is None:
        return None
    text = text.strip()
    if not any(form.match(text) for form in _GUID_FORMS):
        return None
    return str(uuid.UUID(text.strip("{}()")))


def parse_uuid(text):
    """(UUID)(string) value: throws on anything that is not a UUID."""
    parsed = try_parse_uuid(text)
    if parsed is None:
        raise DotNetError(INVALID_UUID)
    return parsed


_IPV4 = re.compile(r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")


def parse_ip_address(text):
    """IPAddress.Parse for the dotted-quad IPv4 form OpenSim configurations use."""
    if text is None:
        raise DotNetError("Value cannot be null. Parameter name: ipString")
    if not _IPV4.match(text):
        raise DotNetError(INVALID_IP)
    return text


def check_port(port):
    """IPEndPoint.Port setter."""
    if port < 0 or port > 65535:
        raise DotNetError(PORT_OUT_OF_RANGE)
    return port
