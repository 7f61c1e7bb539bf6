using System;
using System.Text;

namespace FastCgi.Aot.Http;

/// <summary>
/// Reads a Content-Type value in place:
/// <code>
/// Content-Type = media-type                                   (RFC 9110 §8.3)
/// media-type   = type "/" subtype parameters                  (RFC 9110 §8.3.1)
/// type         = token
/// subtype      = token
/// </code>
/// The type, subtype and parameter names are case-insensitive; parameter values are not
/// (<see cref="HeaderParameterReader"/> reads them).
/// </summary>
internal static class MediaTypeHeader
{
    /// <summary>The longest boundary RFC 2046 §5.1.1 allows.</summary>
    public const int MaxBoundaryLength = 70;

    /// <summary>
    /// True when <paramref name="contentType"/>'s type and subtype are <paramref name="mediaType"/>
    /// (for example <c>multipart/form-data</c>), compared case-insensitively; parameters are ignored,
    /// but what follows the subtype must start them (<c>text/plain x</c> is no media type).
    /// </summary>
    public static bool MediaTypeEquals(ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> mediaType) =>
        TrySplit(contentType, out ReadOnlySpan<byte> type, out _) && Ascii.EqualsIgnoreCase(type, mediaType);

    /// <summary>
    /// Finds the parameter <paramref name="name"/> (case-insensitive) and writes its value, unquoted,
    /// into <paramref name="destination"/>.
    /// </summary>
    /// <returns>
    /// False when the parameter is absent, appears twice (which value a peer would use is anyone's
    /// guess), does not fit <paramref name="destination"/>, or when the Content-Type is malformed.
    /// </returns>
    public static bool TryGetParameter(ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> name, Span<byte> destination, out int length)
    {
        length = 0;
        if (!TrySplit(contentType, out _, out ReadOnlySpan<byte> parameters))
        {
            return false;
        }

        var reader = new HeaderParameterReader(parameters);
        int foundStart = -1;
        int foundLength = 0;
        while (reader.TryRead(out ReadOnlySpan<byte> parameterName, out int start, out int valueLength))
        {
            if (Ascii.EqualsIgnoreCase(parameterName, name))
            {
                if (foundStart >= 0)
                {
                    return false;
                }

                foundStart = start;
                foundLength = valueLength;
            }
        }

        if (reader.IsMalformed || foundStart < 0)
        {
            return false;
        }

        length = HeaderParameterReader.Unquote(parameters.Slice(foundStart, foundLength), destination);
        return length >= 0;
    }

    /// <summary>
    /// Writes the <c>boundary</c> parameter of a <c>multipart/*</c> Content-Type into
    /// <paramref name="destination"/> (at least <see cref="MaxBoundaryLength"/> bytes), checked
    /// against RFC 2046 §5.1.1:
    /// <code>
    /// boundary      := 0*69&lt;bchars&gt; bcharsnospace
    /// bchars        := bcharsnospace / " "
    /// bcharsnospace := DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?"
    /// </code>
    /// </summary>
    /// <returns>False when the parameter is absent, malformed, empty, longer than 70 or holds another character.</returns>
    public static bool TryGetBoundary(ReadOnlySpan<byte> contentType, Span<byte> destination, out int length)
    {
        if (!TryGetParameter(contentType, "boundary"u8, destination, out length) || !HttpCharacters.IsBoundary(destination.Slice(0, length)))
        {
            length = 0;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Writes the <c>charset</c> parameter into <paramref name="destination"/>, as sent (compare it
    /// case-insensitively, RFC 9110 §8.3.2).
    /// </summary>
    /// <returns>False when it is absent, does not fit, or is not a token (no charset name needs more).</returns>
    public static bool TryGetCharset(ReadOnlySpan<byte> contentType, Span<byte> destination, out int length)
    {
        if (!TryGetParameter(contentType, "charset"u8, destination, out length) || !HttpCharacters.IsToken(destination.Slice(0, length)))
        {
            length = 0;
            return false;
        }

        return true;
    }

    /// <summary>Splits off the <c>type "/" subtype</c>, after leading whitespace, from the parameters.</summary>
    private static bool TrySplit(ReadOnlySpan<byte> contentType, out ReadOnlySpan<byte> mediaType, out ReadOnlySpan<byte> parameters)
    {
        ReadOnlySpan<byte> value = contentType.TrimStart(" \t"u8);
        int type = HttpCharacters.TokenLength(value);
        int subtype = type == 0 || type == value.Length || value[type] != (byte)'/' ? 0 : HttpCharacters.TokenLength(value.Slice(type + 1));
        if (subtype == 0)
        {
            mediaType = default;
            parameters = default;
            return false;
        }

        mediaType = value.Slice(0, type + 1 + subtype);
        parameters = value.Slice(mediaType.Length);
        ReadOnlySpan<byte> rest = parameters.TrimStart(" \t"u8);
        return rest.IsEmpty || rest[0] == (byte)';';
    }
}
