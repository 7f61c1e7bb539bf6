using System;
using System.Text;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>How a browser encodes what it sends in a URL or a urlencoded form.</summary>
internal static class UrlEncoding
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary>
    /// Appends <paramref name="value"/> as the WHATWG <c>application/x-www-form-urlencoded</c>
    /// serializer does (URL Standard §5.2): ASCII letters, digits and <c>*-._</c> as they are, a
    /// space as <c>+</c>, every other byte of its UTF-8 as <c>%XX</c>. The same form goes into a
    /// query string, which the runtime decodes by the same rule.
    /// </summary>
    public static void AppendFormComponent(StringBuilder builder, string value)
    {
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                AppendEscaped(builder, b);
            }
        }
    }

    /// <summary>
    /// A request target as a browser sends it: everything from <c>#</c> on dropped (a fragment
    /// never leaves the browser), and spaces, controls, non-ASCII characters and <c>"&lt;&gt;`</c>
    /// percent-encoded as UTF-8. Escapes already in the target are kept as they are.
    /// </summary>
    public static string NormalizeTarget(string target)
    {
        int fragment = target.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            target = target.Substring(0, fragment);
        }

        int first = IndexOfUnsafe(target);
        if (first < 0)
        {
            return target;
        }

        var builder = new StringBuilder(target.Length + 16);
        builder.Append(target, 0, first);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = first; i < target.Length; i++)
        {
            char c = target[i];
            if (!IsUnsafe(c))
            {
                builder.Append(c);
                continue;
            }

            int length = char.IsHighSurrogate(c) && i + 1 < target.Length && char.IsLowSurrogate(target[i + 1])
                ? Encoding.UTF8.GetBytes(target.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(target.AsSpan(i, 1), utf8);
            foreach (byte b in utf8.Slice(0, length))
            {
                AppendEscaped(builder, b);
            }
        }

        return builder.ToString();
    }

    /// <summary>The path of a target percent-decoded, as nginx's <c>$uri</c> has it (DOCUMENT_URI, SCRIPT_NAME).</summary>
    public static string DecodePath(string encodedPath) => Uri.UnescapeDataString(encodedPath);

    private static int IndexOfUnsafe(string target)
    {
        for (int i = 0; i < target.Length; i++)
        {
            if (IsUnsafe(target[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) => c <= ' ' || c >= '\u007F' || c is '"' or '<' or '>' or '`';

    private static void AppendEscaped(StringBuilder builder, byte b) =>
        builder.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
}
