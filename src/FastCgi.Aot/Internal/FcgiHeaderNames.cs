using System;

namespace FastCgi.Aot.Internal;

/// <summary>Maps HTTP header names to the CGI parameter names web servers pass them under (RFC 3875 §4.1.18).</summary>
internal static class FcgiHeaderNames
{
    /// <summary>
    /// Writes the CGI name of <paramref name="headerName"/> into <paramref name="destination"/>:
    /// <c>Content-Type</c> and <c>Content-Length</c> become CONTENT_TYPE and CONTENT_LENGTH, any other
    /// header <c>HTTP_</c> plus its name upper-cased with '-' as '_'.
    /// </summary>
    /// <returns>The length written, or -1 when the name is empty, not ASCII, or does not fit.</returns>
    public static int ToCgiName(ReadOnlySpan<char> headerName, Span<byte> destination)
    {
        if (headerName.IsEmpty)
        {
            return -1;
        }

        bool unprefixed = headerName.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ||
            headerName.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);
        int prefix = unprefixed ? 0 : 5;
        if (prefix + headerName.Length > destination.Length)
        {
            return -1;
        }

        if (!unprefixed)
        {
            "HTTP_"u8.CopyTo(destination);
        }

        for (int i = 0; i < headerName.Length; i++)
        {
            char c = headerName[i];
            if (c > 0x7F)
            {
                return -1;
            }

            destination[prefix + i] = c == '-' ? (byte)'_' : (byte)char.ToUpperInvariant(c);
        }

        return prefix + headerName.Length;
    }
}
