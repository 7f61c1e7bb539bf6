using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>
/// Structure-aware mutations of FastCGI request streams: it knows where records start, so besides
/// bit flips and truncations it rewrites length fields (0, 65,535, past the end), padding, types,
/// request ids and versions, splices records of other streams in, and corrupts name-value lengths
/// inside PARAMS. Everything is drawn from the given <see cref="Random"/>, so a seed replays a case.
/// </summary>
internal static class RecordFuzzer
{
    /// <summary>The base seed; <c>FCGI_FUZZ_SEED</c> overrides it to explore further or replay a report.</summary>
    public static int BaseSeed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FCGI_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 7_2026;

    /// <summary>The seed of one case: every case replays alone from its own seed.</summary>
    public static int CaseSeed(int iteration) => unchecked((BaseSeed * 1_000_003) + iteration);

    /// <summary>The seed corpus copied next to the test assembly, by file name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> LoadCorpus()
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Reliability", "Corpus");
        string[] files = Directory.GetFiles(directory, "*.bin");
        Array.Sort(files, StringComparer.Ordinal);
        Assert.True(files.Length >= 10, $"the fuzz corpus in {directory} is missing");
        var corpus = new List<(string, byte[])>();
        foreach (string file in files)
        {
            corpus.Add((Path.GetFileName(file), File.ReadAllBytes(file)));
        }

        return corpus;
    }

    /// <summary>Saves a failing input where a developer can pick it up for the corpus; returns the path.</summary>
    public static string SaveFailure(string kind, int caseSeed, byte[] input)
    {
        string path = Path.Combine(Path.GetTempPath(), $"fcgi-fuzz-{kind}-{caseSeed}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    /// <summary>The offsets and lengths of the whole records at the start of <paramref name="input"/>.</summary>
    public static List<(int Offset, int Length)> Records(ReadOnlySpan<byte> input)
    {
        var records = new List<(int, int)>();
        int offset = 0;
        while (FcgiRecordHeader.TryRead(input.Slice(offset), out FcgiRecordHeader header) && offset + header.RecordLength <= input.Length)
        {
            records.Add((offset, header.RecordLength));
            offset += header.RecordLength;
        }

        return records;
    }

    /// <summary>One to four mutations of a corpus entry.</summary>
    public static byte[] Mutate(Random random, IReadOnlyList<(string Name, byte[] Bytes)> corpus, out string description)
    {
        (string name, byte[] start) = corpus[random.Next(corpus.Count)];
        var bytes = new List<byte>(start);
        int count = random.Next(1, 5);
        var applied = new List<string>(count) { name };
        for (int i = 0; i < count; i++)
        {
            applied.Add(MutateOnce(random, bytes, corpus));
        }

        description = string.Join(" + ", applied);
        return bytes.ToArray();
    }

    private static string MutateOnce(Random random, List<byte> bytes, IReadOnlyList<(string Name, byte[] Bytes)> corpus)
    {
        List<(int Offset, int Length)> records = Records(bytes.ToArray());
        if (bytes.Count == 0 || records.Count == 0)
        {
            // Nothing structured is left: grow garbage.
            bytes.AddRange(RandomBytes(random, random.Next(1, 64)));
            return "append garbage";
        }

        (int offset, int length) = records[random.Next(records.Count)];
        switch (random.Next(17))
        {
            case 0:
            {
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips; i++)
                {
                    int at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                return $"flip {flips} bits";
            }

            case 1:
            {
                // Flip a bit inside a header, where it matters most.
                int at = offset + random.Next(FcgiConstants.HeaderLength);
                bytes[at] ^= (byte)(1 << random.Next(8));
                return $"flip a header bit at {at}";
            }

            case 2:
            {
                int at = random.Next(bytes.Count);
                bytes.RemoveRange(at, bytes.Count - at);
                return $"truncate at {at}";
            }

            case 3:
            {
                // Cut inside a header or just past one.
                int at = Math.Min(bytes.Count, offset + random.Next(0, FcgiConstants.HeaderLength + 3));
                bytes.RemoveRange(at, bytes.Count - at);
                return $"truncate near a header at {at}";
            }

            case 4:
                SetUInt16(bytes, offset + 4, 0);
                return $"content length 0 at {offset}";

            case 5:
                SetUInt16(bytes, offset + 4, ushort.MaxValue);
                return $"content length 65535 at {offset}";

            case 6:
            {
                // Promise more content than follows (or than the whole stream holds).
                int declared = Math.Min(ushort.MaxValue, length - FcgiConstants.HeaderLength + random.Next(1, 2000));
                SetUInt16(bytes, offset + 4, (ushort)declared);
                return $"content length {declared} at {offset}";
            }

            case 7:
            {
                byte padding = random.Next(2) == 0 ? byte.MaxValue : (byte)random.Next(256);
                bytes[offset + 6] = padding;
                return $"padding {padding} at {offset}";
            }

            case 8:
            {
                byte type = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)random.Next(1, 12);
                bytes[offset + 1] = type;
                return $"type {type} at {offset}";
            }

            case 9:
            {
                ushort id = (ushort)(random.Next(4) switch { 0 => 0, 1 => 1, 2 => ushort.MaxValue, _ => random.Next(65536) });
                SetUInt16(bytes, offset + 2, id);
                return $"request id {id} at {offset}";
            }

            case 10:
            {
                byte version = (byte)random.Next(256);
                bytes[offset] = version;
                return $"version {version} at {offset}";
            }

            case 11:
            {
                // Splice a record of another stream in at a record boundary.
                byte[] other = corpus[random.Next(corpus.Count)].Bytes;
                List<(int Offset, int Length)> otherRecords = Records(other);
                (int o, int l) = otherRecords[random.Next(otherRecords.Count)];
                int at = records[random.Next(records.Count)].Offset;
                bytes.InsertRange(at, other.AsSpan(o, l).ToArray());
                return $"splice {l} bytes at {at}";
            }

            case 12:
                bytes.InsertRange(offset, bytes.GetRange(offset, length));
                return $"duplicate the record at {offset}";

            case 13:
                bytes.RemoveRange(offset, length);
                return $"delete the record at {offset}";

            case 14:
            {
                (int o2, int l2) = records[random.Next(records.Count)];
                if (o2 == offset)
                {
                    return "swap with itself";
                }

                (int first, int firstLength, int second, int secondLength) = o2 < offset ? (o2, l2, offset, length) : (offset, length, o2, l2);
                List<byte> a = bytes.GetRange(first, firstLength);
                List<byte> b = bytes.GetRange(second, secondLength);
                bytes.RemoveRange(second, secondLength);
                bytes.InsertRange(second, a);
                bytes.RemoveRange(first, firstLength);
                bytes.InsertRange(first, b);
                return $"swap the records at {first} and {second}";
            }

            case 15:
                return CorruptNameValueLength(random, bytes, records);

            default:
            {
                int at = random.Next(bytes.Count + 1);
                bytes.InsertRange(at, RandomBytes(random, random.Next(1, 32)));
                return $"insert garbage at {at}";
            }
        }
    }

    /// <summary>Rewrites a name or value length inside a PARAMS record: 0, 127, 128, 0x7FFFFFFF, past the record.</summary>
    private static string CorruptNameValueLength(Random random, List<byte> bytes, List<(int Offset, int Length)> records)
    {
        foreach ((int offset, _) in records)
        {
            int contentLength = (bytes[offset + 4] << 8) | bytes[offset + 5];
            if (bytes[offset + 1] != (byte)FcgiRecordType.Params || contentLength < 8 || random.Next(2) == 0)
            {
                continue;
            }

            // Walk to a random pair, then rewrite its name or value length in place.
            int content = offset + FcgiConstants.HeaderLength;
            int position = content;
            int pairs = random.Next(0, 6);
            for (int pair = 0; pair < pairs && position < content + contentLength - 8; pair++)
            {
                int skip = 0;
                for (int field = 0; field < 2; field++)
                {
                    int len = bytes[position] < 0x80 ? bytes[position++] : ReadLength(bytes, ref position);
                    skip += len;
                }

                position += skip;
            }

            if (position >= content + contentLength - 4)
            {
                position = content;
            }

            if (random.Next(2) == 0 && bytes[position] < 0x80)
            {
                // The value length follows a 1-byte name length.
                position++;
            }

            byte[] replacement = random.Next(6) switch
            {
                0 => [0],
                1 => [0x7F],
                2 => [0x80, 0, 0, 0x80],
                3 => [0xFF, 0xFF, 0xFF, 0xFF],
                4 => [0x80, 0, 0xFF, 0xFF],
                _ => [(byte)random.Next(256)],
            };
            for (int i = 0; i < replacement.Length && position + i < bytes.Count; i++)
            {
                bytes[position + i] = replacement[i];
            }

            return $"name-value length {Convert.ToHexString(replacement)} at {position}";
        }

        return "no PARAMS to corrupt";
    }

    private static int ReadLength(List<byte> bytes, ref int position)
    {
        if (position + 4 > bytes.Count)
        {
            position = bytes.Count;
            return 0;
        }

        int length = ((bytes[position] & 0x7F) << 24) | (bytes[position + 1] << 16) | (bytes[position + 2] << 8) | bytes[position + 3];
        position += 4;
        return Math.Min(length, 1 << 20);
    }

    private static void SetUInt16(List<byte> bytes, int at, ushort value)
    {
        Span<byte> two = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(two, value);
        bytes[at] = two[0];
        bytes[at + 1] = two[1];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
