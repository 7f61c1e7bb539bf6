using System;
using System.Text;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>Builds byte vectors the way the spec draws them: hex for fixed fields, ASCII for names and values.</summary>
internal static class Wire
{
    /// <summary>Parses space-separated hex, e.g. <c>"01 01 00 01"</c>.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts)
    {
        int length = 0;
        foreach (byte[] part in parts)
        {
            length += part.Length;
        }

        byte[] result = new byte[length];
        int position = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(result, position);
            position += part.Length;
        }

        return result;
    }

    /// <summary>A recognisable, non-zero pattern so a misplaced byte shows.</summary>
    public static byte[] Pattern(int length, int seed = 0)
    {
        byte[] result = new byte[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = (byte)((i + seed) % 251 + 1);
        }

        return result;
    }
}
