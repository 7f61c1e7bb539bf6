using System;

namespace FastCgi.Aot.Internal;

/// <summary>
/// Maps HTTP header names to the CGI parameter names web servers pass them under (RFC 3875 §4.1.18):
/// the one rule both the runtime (<see cref="FcgiRequest.TryGetHeader"/>) and the source generator
/// (<c>[FcgiHeader("User-Agent")]</c>) use. The generator compiles this same file, so the two
/// cannot disagree; it must therefore build for netstandard2.0 too and use nothing newer.
/// </summary>
internal static class FcgiHeaderNames
{
    private const string Prefix = "HTTP_";

    /// <summary>
    /// Whether <paramref name="c"/> may appear in a header name: a token character (RFC 9110 §5.6.2),
    /// ASCII letters, digits and <c>!#$%&amp;'*+-.^_`|~</c>. Nothing else can reach an application as
    /// a header, so a name with anything else (a space, a colon, any non-ASCII letter) names none.
    /// </summary>
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or
            '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    /// <summary>True when <paramref name="headerName"/> is a non-empty token, and so has a CGI name.</summary>
    public static bool IsValid(ReadOnlySpan<char> headerName)
    {
        if (headerName.IsEmpty)
        {
            return false;
        }

        foreach (char c in headerName)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes the CGI name of <paramref name="headerName"/> into <paramref name="destination"/>:
    /// <c>Content-Type</c> and <c>Content-Length</c> become CONTENT_TYPE and CONTENT_LENGTH (RFC 3875
    /// §4.1.2, §4.1.3), any other header <c>HTTP_</c> plus its name with ASCII letters upper-cased and
    /// '-' as '_'.
    /// </summary>
    /// <returns>The length written, or -1 when the name is not a token (<see cref="IsValid"/>) or does not fit.</returns>
    public static int ToCgiName(ReadOnlySpan<char> headerName, Span<byte> destination)
    {
        if (!IsValid(headerName))
        {
            return -1;
        }

        int prefix = IsUnprefixed(headerName) ? 0 : Prefix.Length;
        if (prefix + headerName.Length > destination.Length)
        {
            return -1;
        }

        for (int i = 0; i < prefix; i++)
        {
            destination[i] = (byte)Prefix[i];
        }

        for (int i = 0; i < headerName.Length; i++)
        {
            destination[prefix + i] = (byte)ToCgiChar(headerName[i]);
        }

        return prefix + headerName.Length;
    }

    /// <summary>The CGI name of <paramref name="headerName"/> as a string, by the rule of <see cref="ToCgiName(ReadOnlySpan{char}, Span{byte})"/>; null when it is not a token.</summary>
    public static string? ToCgiName(string headerName)
    {
        if (headerName is null || !IsValid(headerName.AsSpan()))
        {
            return null;
        }

        char[] name = new char[(IsUnprefixed(headerName.AsSpan()) ? 0 : Prefix.Length) + headerName.Length];
        int prefix = name.Length - headerName.Length;
        Prefix.CopyTo(0, name, 0, prefix);
        for (int i = 0; i < headerName.Length; i++)
        {
            name[prefix + i] = ToCgiChar(headerName[i]);
        }

        return new string(name);
    }

    private static char ToCgiChar(char c) => c == '-' ? '_' : ToUpperAscii(c);

    private static char ToUpperAscii(char c) => c is >= 'a' and <= 'z' ? (char)(c - ('a' - 'A')) : c;

    private static bool IsUnprefixed(ReadOnlySpan<char> headerName) =>
        EqualsIgnoreAsciiCase(headerName, "Content-Type") || EqualsIgnoreAsciiCase(headerName, "Content-Length");

    private static bool EqualsIgnoreAsciiCase(ReadOnlySpan<char> name, string expected)
    {
        if (name.Length != expected.Length)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            if (ToUpperAscii(name[i]) != ToUpperAscii(expected[i]))
            {
                return false;
            }
        }

        return true;
    }
}
