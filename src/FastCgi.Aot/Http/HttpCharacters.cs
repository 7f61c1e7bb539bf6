using System;
using System.Buffers;

namespace FastCgi.Aot.Http;

/// <summary>The character classes of the HTTP, cookie and MIME grammars, as vectorized sets.</summary>
internal static class HttpCharacters
{
    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    //       / DIGIT / ALPHA                                                      (RFC 9110 §5.6.2)
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E                (RFC 6265 §4.1.1)
    // US-ASCII without CTLs, whitespace, DQUOTE, comma, semicolon and backslash.
    private const string CookieOctets =
        "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    // bcharsnospace = DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?"
    // bchars = bcharsnospace / " "                                                (RFC 2046 §5.1.1)
    private const string BoundaryChars = "'()+_,-./:=? 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<byte> s_tokenBytes = SearchValues.Create(Ascii(TokenChars));
    private static readonly SearchValues<char> s_tokenChars = SearchValues.Create(TokenChars);
    private static readonly SearchValues<char> s_cookieOctets = SearchValues.Create(CookieOctets);
    private static readonly SearchValues<byte> s_boundaryBytes = SearchValues.Create(Ascii(BoundaryChars));

    /// <summary>True for <c>tchar</c>.</summary>
    public static bool IsTokenChar(byte b) => s_tokenBytes.Contains(b);

    /// <summary>True when <paramref name="value"/> is a <c>token</c>: one or more <c>tchar</c>.</summary>
    public static bool IsToken(ReadOnlySpan<byte> value) => !value.IsEmpty && !value.ContainsAnyExcept(s_tokenBytes);

    /// <summary>The length of the run of <c>tchar</c> that starts <paramref name="value"/>.</summary>
    public static int TokenLength(ReadOnlySpan<byte> value)
    {
        int end = value.IndexOfAnyExcept(s_tokenBytes);
        return end < 0 ? value.Length : end;
    }

    /// <summary>The index of the first character of <paramref name="value"/> that is not a <c>tchar</c>, or -1.</summary>
    public static int IndexOfNonToken(ReadOnlySpan<char> value) => value.IndexOfAnyExcept(s_tokenChars);

    /// <summary>The index of the first character of <paramref name="value"/> that is not a <c>cookie-octet</c>, or -1.</summary>
    public static int IndexOfNonCookieOctet(ReadOnlySpan<char> value) => value.IndexOfAnyExcept(s_cookieOctets);

    /// <summary>True when <paramref name="value"/> is an RFC 2046 boundary: 1 to 70 <c>bchars</c>, not ending in a space.</summary>
    public static bool IsBoundary(ReadOnlySpan<byte> value) =>
        value.Length is >= 1 and <= 70 && value[^1] != (byte)' ' && !value.ContainsAnyExcept(s_boundaryBytes);

    /// <summary>True for SP and HTAB, the <c>OWS</c> and <c>LWSP-char</c> of the grammars.</summary>
    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary><paramref name="value"/> without leading and trailing SP and HTAB.</summary>
    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value) => value.Trim(" \t"u8);

    private static byte[] Ascii(string chars)
    {
        var bytes = new byte[chars.Length];
        for (int i = 0; i < chars.Length; i++)
        {
            bytes[i] = (byte)chars[i];
        }

        return bytes;
    }
}
