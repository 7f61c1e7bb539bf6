using System;
using System.Text;

namespace FastCgi.Aot.Http;

/// <summary>
/// Checks response header names and values: a CR or LF would let a value start a header of its
/// own (response splitting), so they are refused, as is NUL.
/// </summary>
internal static class FcgiResponseHeaders
{
    /// <summary>
    /// The room a response keeps before its body for a header block of at most
    /// <paramref name="maxHeaderBlockLength"/> bytes: the record header, the block, its padding,
    /// and slack for a header or two added after the first body write.
    /// </summary>
    public static int FrontReserve(int maxHeaderBlockLength) => (8 + maxHeaderBlockLength + 7 + 128) & ~7;

    /// <summary>Which of the headers the response keeps as single values <paramref name="name"/> is.</summary>
    public static ResponseHeaderKind Classify(ReadOnlySpan<char> name) => name.Length switch
    {
        6 when name.Equals("Status", StringComparison.OrdinalIgnoreCase) => ThrowStatusHeader(),
        8 when name.Equals("Location", StringComparison.OrdinalIgnoreCase) => ResponseHeaderKind.Location,
        12 when name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) => ResponseHeaderKind.ContentType,
        14 when name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) => ResponseHeaderKind.ContentLength,
        _ => ResponseHeaderKind.Other,
    };

    /// <summary>As <see cref="Classify(ReadOnlySpan{char})"/>, for a name in ASCII bytes.</summary>
    public static ResponseHeaderKind Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        6 when Ascii.EqualsIgnoreCase(name, "Status"u8) => ThrowStatusHeader(),
        8 when Ascii.EqualsIgnoreCase(name, "Location"u8) => ResponseHeaderKind.Location,
        12 when Ascii.EqualsIgnoreCase(name, "Content-Type"u8) => ResponseHeaderKind.ContentType,
        14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8) => ResponseHeaderKind.ContentLength,
        _ => ResponseHeaderKind.Other,
    };

    /// <summary>A Content-Length header's value: digits only (RFC 9110 §8.6).</summary>
    public static long ParseContentLength(ReadOnlySpan<char> value)
    {
        value = value.Trim(' ');
        if (value.IsEmpty || value.ContainsAnyExceptInRange('0', '9') || !long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long length))
        {
            throw new ArgumentException($"'{value.ToString()}' is not a Content-Length: it must be a non-negative number of bytes.", nameof(value));
        }

        return length;
    }

    /// <summary>As <see cref="ParseContentLength(ReadOnlySpan{char})"/>, for ASCII bytes.</summary>
    public static long ParseContentLength(ReadOnlySpan<byte> value)
    {
        value = value.Trim((byte)' ');
        if (value.IsEmpty || value.ContainsAnyExceptInRange((byte)'0', (byte)'9') || !System.Buffers.Text.Utf8Parser.TryParse(value, out long length, out int used) || used != value.Length)
        {
            throw new ArgumentException("The value is not a Content-Length: it must be a non-negative number of bytes.", nameof(value));
        }

        return length;
    }

    private static ResponseHeaderKind ThrowStatusHeader() =>
        throw new ArgumentException("A handler sets the status with FcgiResponse.StatusCode (or returns an FcgiResult), not with a Status header.", "name");

    // RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    // "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. A header name is one or more of them.
    private const string TokenCharacters = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly System.Buffers.SearchValues<char> s_tokenChars = System.Buffers.SearchValues.Create(TokenCharacters);
    private static readonly System.Buffers.SearchValues<byte> s_tokenBytes = System.Buffers.SearchValues.Create(Encoding.ASCII.GetBytes(TokenCharacters));

    public static void ValidateName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.ContainsAnyExcept(s_tokenChars))
        {
            throw new ArgumentException($"'{name.ToString()}' is not a header name: it must be an HTTP token (RFC 9110 §5.6.2: letters, digits and !#$%&'*+-.^_`|~).", nameof(name));
        }
    }

    public static void ValidateName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.ContainsAnyExcept(s_tokenBytes))
        {
            throw new ArgumentException("The header name is not an HTTP token (RFC 9110 §5.6.2: letters, digits and !#$%&'*+-.^_`|~).", nameof(name));
        }
    }

    public static void Validate(ReadOnlySpan<char> value, string paramName)
    {
        if (value.IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("A header value cannot contain CR, LF or NUL.", paramName);
        }
    }

    public static void Validate(ReadOnlySpan<byte> value, string paramName)
    {
        if (value.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
        {
            throw new ArgumentException("A header value cannot contain CR, LF or NUL.", paramName);
        }
    }
}

/// <summary>The response headers kept as single values; every other header may repeat.</summary>
internal enum ResponseHeaderKind
{
    Other,
    ContentType,
    Location,
    ContentLength,
}
