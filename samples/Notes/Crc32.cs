using System;

namespace Notes;

/// <summary>
/// CRC-32 as zlib, PNG and gzip compute it (reflected polynomial 0xEDB88320, initial value and
/// final XOR 0xFFFFFFFF; the check value of "123456789" is 0xCBF43926). A table of 256 entries, a
/// byte at a time: an upload is checked once as it is stored, so this is fast enough and
/// System.IO.Hashing's package is not needed for it.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] s_table = CreateTable();

    /// <summary>The CRC-32 of <paramref name="data"/>, continuing from <paramref name="crc"/> (0 to start).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = s_table;
        crc = ~crc;
        foreach (byte b in data)
        {
            crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
