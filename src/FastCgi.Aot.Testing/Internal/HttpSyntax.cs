using System;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>The HTTP token (RFC 9110 §5.6.2) that methods, header names and cookie names are made of.</summary>
internal static class HttpSyntax
{
    /// <summary>ASCII letters, digits and <c>!#$%&amp;'*+-.^_`|~</c>.</summary>
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    /// <summary>The index of the first character that is not a token character, or -1.</summary>
    public static int IndexOfNonToken(ReadOnlySpan<char> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (!IsTokenChar(value[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when <paramref name="value"/> is a non-empty token.</summary>
    public static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && IndexOfNonToken(value) < 0;
}
