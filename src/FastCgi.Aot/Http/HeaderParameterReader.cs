using System;

namespace FastCgi.Aot.Http;

/// <summary>
/// Reads the parameters that follow a media type (RFC 9110 §5.6.6) or a disposition type
/// (RFC 6266 §4.1, RFC 7578 §4.2), in place, without copying:
/// <code>
/// parameters      = *( OWS ";" OWS [ parameter ] )
/// parameter       = parameter-name "=" parameter-value
/// parameter-name  = token
/// parameter-value = ( token / quoted-string )
/// quoted-string   = DQUOTE *( qdtext / quoted-pair ) DQUOTE
/// qdtext          = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
/// quoted-pair     = "\" ( HTAB / SP / VCHAR / obs-text )
/// </code>
/// </summary>
/// <remarks>
/// Browsers do not follow the quoted-pair rule: the HTML form encoding writes a file name's
/// <c>"</c> as <c>%22</c> and leaves a backslash as it is, so <c>filename="C:\new\a.txt"</c> means
/// that very path (WHATWG HTML §4.10.21.8). A backslash therefore escapes only <c>"</c> and
/// <c>\</c>; before any other byte it is the byte itself, as Go's mime package reads it too.
/// No whitespace is allowed around <c>=</c>, as the grammar says.
/// </remarks>
internal ref struct HeaderParameterReader
{
    private readonly ReadOnlySpan<byte> _input;
    private int _position;

    /// <summary>Creates a reader over the text that follows the type.</summary>
    public HeaderParameterReader(ReadOnlySpan<byte> parameters)
    {
        _input = parameters;
        _position = 0;
        IsMalformed = false;
    }

    /// <summary>True once a parameter broke the grammar; <see cref="TryRead"/> then returns false.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Reads the next parameter.</summary>
    /// <param name="name">The parameter's name, a view over the input; compare it case-insensitively.</param>
    /// <param name="valueStart">Where the raw value starts in the input, with its quotes if it is quoted.</param>
    /// <param name="valueLength">The raw value's length; pass the raw value to <see cref="Unquote"/>.</param>
    /// <returns>False at the end of the parameters or when they are malformed (see <see cref="IsMalformed"/>).</returns>
    public bool TryRead(out ReadOnlySpan<byte> name, out int valueStart, out int valueLength)
    {
        name = default;
        valueStart = 0;
        valueLength = 0;
        while (!IsMalformed)
        {
            SkipWhitespace();
            if (_position == _input.Length)
            {
                return false;
            }

            if (_input[_position] != (byte)';')
            {
                return Fail();
            }

            _position++;
            SkipWhitespace();
            if (_position == _input.Length || _input[_position] == (byte)';')
            {
                continue;   // an empty parameter: "[ parameter ]" is optional
            }

            int nameLength = HttpCharacters.TokenLength(_input.Slice(_position));
            if (nameLength == 0 || _position + nameLength == _input.Length || _input[_position + nameLength] != (byte)'=')
            {
                return Fail();
            }

            name = _input.Slice(_position, nameLength);
            _position += nameLength + 1;
            valueStart = _position;
            valueLength = _position < _input.Length && _input[_position] == (byte)'"'
                ? QuotedStringLength(_input.Slice(_position))
                : HttpCharacters.TokenLength(_input.Slice(_position));
            if (valueLength <= 0)
            {
                return Fail();
            }

            _position += valueLength;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Writes a raw parameter value into <paramref name="destination"/>: a token as it is, a
    /// quoted-string without its quotes and escapes. <paramref name="destination"/> may start where
    /// <paramref name="raw"/> starts (decoding in place only ever shortens).
    /// </summary>
    /// <returns>The length written, or -1 when it does not fit.</returns>
    public static int Unquote(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        if (raw.IsEmpty || raw[0] != (byte)'"')
        {
            if (raw.Length > destination.Length)
            {
                return -1;
            }

            raw.CopyTo(destination);
            return raw.Length;
        }

        int end = raw.Length - 1;
        int written = 0;
        for (int i = 1; i < end; i++)
        {
            byte b = raw[i];
            if (b == (byte)'\\' && i + 1 < end && raw[i + 1] is (byte)'"' or (byte)'\\')
            {
                b = raw[++i];
            }

            if (written == destination.Length)
            {
                return -1;
            }

            destination[written++] = b;
        }

        return written;
    }

    /// <summary>The length of the quoted-string that starts <paramref name="value"/>, quotes included; -1 when it is malformed.</summary>
    private static int QuotedStringLength(ReadOnlySpan<byte> value)
    {
        for (int i = 1; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }

            if (b == (byte)'\\' && i + 1 < value.Length && value[i + 1] is (byte)'"' or (byte)'\\')
            {
                i++;
            }
            else if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
            {
                return -1;  // qdtext has no CTLs but HTAB
            }
        }

        return -1;  // no closing quote
    }

    private void SkipWhitespace()
    {
        while (_position < _input.Length && HttpCharacters.IsWhitespace(_input[_position]))
        {
            _position++;
        }
    }

    private bool Fail()
    {
        IsMalformed = true;
        return false;
    }
}
