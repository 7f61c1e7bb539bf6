using System;

namespace FastCgi.Aot.Http;

/// <summary>
/// Reads the pairs of a <c>Cookie</c> request header (CGI's <c>HTTP_COOKIE</c>) in order, in place:
/// <code>
/// cookie-string = cookie-pair *( ";" SP cookie-pair )                (RFC 6265 §4.2.1)
/// cookie-pair   = cookie-name "=" cookie-value
/// cookie-value  = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
/// </code>
/// </summary>
/// <remarks>
/// Read leniently, because user agents send back whatever a server once set and nginx joins
/// HTTP/2's several <c>cookie</c> fields with "; ": pairs are split at every <c>;</c>, SP and HTAB
/// are trimmed around names and values, and a pair without <c>=</c> or with an empty name is
/// skipped. Values are returned as sent, with one pair of surrounding DQUOTEs removed and nothing
/// percent-decoded: RFC 6265 defines no encoding, so decoding would guess at what the server that
/// set the cookie meant. Names are compared byte for byte (they are case-sensitive).
/// </remarks>
internal ref struct CookieHeaderReader
{
    private ReadOnlySpan<byte> _rest;
    private ReadOnlySpan<byte> _rawValue;

    /// <summary>Creates a reader over the header's value.</summary>
    public CookieHeaderReader(ReadOnlySpan<byte> cookieHeader)
    {
        _rest = cookieHeader;
        _rawValue = default;
        Name = default;
    }

    /// <summary>The current cookie's name.</summary>
    public ReadOnlySpan<byte> Name { get; private set; }

    /// <summary>The current cookie's value, without surrounding DQUOTEs, not decoded.</summary>
    /// <remarks>Trimmed when asked for, so that a search by name trims only the value it finds.</remarks>
    public readonly ReadOnlySpan<byte> Value
    {
        get
        {
            ReadOnlySpan<byte> value = HttpCharacters.TrimWhitespace(_rawValue);
            return value.Length >= 2 && value[0] == (byte)'"' && value[^1] == (byte)'"' ? value.Slice(1, value.Length - 2) : value;
        }
    }

    /// <summary>
    /// Finds the first cookie named <paramref name="name"/>. The first is the one to use: user
    /// agents list cookies with longer paths first (RFC 6265 §5.4, step 2).
    /// </summary>
    public static bool TryGetValue(ReadOnlySpan<byte> cookieHeader, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var reader = new CookieHeaderReader(cookieHeader);
        while (reader.MoveNext())
        {
            if (reader.Name.SequenceEqual(name))
            {
                value = reader.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Moves to the next pair.</summary>
    public bool MoveNext()
    {
        while (!_rest.IsEmpty)
        {
            int semicolon = _rest.IndexOf((byte)';');
            ReadOnlySpan<byte> pair = semicolon < 0 ? _rest : _rest.Slice(0, semicolon);
            _rest = semicolon < 0 ? default : _rest.Slice(semicolon + 1);
            int equals = pair.IndexOf((byte)'=');
            if (equals < 0)
            {
                continue;
            }

            ReadOnlySpan<byte> name = HttpCharacters.TrimWhitespace(pair.Slice(0, equals));
            if (name.IsEmpty)
            {
                continue;
            }

            Name = name;
            _rawValue = pair.Slice(equals + 1);
            return true;
        }

        return false;
    }
}
