using System;
using System.Collections.Generic;
using System.Text;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>What RFC 6265 §4.1.1 lets a client send in a <c>Cookie</c> header.</summary>
internal static class CookieSyntax
{
    /// <summary>Throws unless <paramref name="name"/> is a token and <paramref name="value"/> cookie octets, optionally quoted.</summary>
    public static void ValidatePair(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        int bad = HttpSyntax.IndexOfNonToken(name);
        if (bad >= 0)
        {
            throw new ArgumentException($"A cookie name is a token (RFC 6265 §4.1.1); character {bad} ('{name[bad]}') is not a token character.", nameof(name));
        }

        ReadOnlySpan<char> octets = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value.AsSpan(1, value.Length - 2) : value;
        for (int i = 0; i < octets.Length; i++)
        {
            char c = octets[i];
            if (c is < '!' or > '~' or '"' or ',' or ';' or '\\')
            {
                throw new ArgumentException(
                    $"A cookie value is cookie-octets (RFC 6265 §4.1.1): printable ASCII except space, '\"', ',', ';' and '\\'; character {i} is not. Encode the value (Base64Url, percent-encoding) first.",
                    nameof(value));
            }
        }
    }

    /// <summary>The pairs as a <c>Cookie</c> header value: <c>a=1; b=2</c>.</summary>
    public static string Join(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var header = new StringBuilder();
        foreach (KeyValuePair<string, string> pair in pairs)
        {
            if (header.Length > 0)
            {
                header.Append("; ");
            }

            header.Append(pair.Key).Append('=').Append(pair.Value);
        }

        return header.ToString();
    }
}
