using System;
using System.Buffers;
using System.Collections.Generic;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// Random records, streams and name-value sets written with <see cref="FcgiRecordWriter"/> and read
/// back with <see cref="FcgiRecordReader"/> under random splits. The seed is fixed, so a failure
/// names the iteration to replay.
/// </summary>
public class RandomizedRoundTripTests
{
    private const int Seed = 20261122;
    private const int Iterations = 300;

    private static readonly FcgiRecordType[] s_streamTypes =
        [FcgiRecordType.Params, FcgiRecordType.Stdin, FcgiRecordType.Stdout, FcgiRecordType.Stderr, FcgiRecordType.Data];

    [Fact]
    public void RandomRecordsReadBackIdenticallyUnderRandomSplits()
    {
        var random = new Random(Seed);
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            try
            {
                RunIteration(random);
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed}, iteration {iteration} failed: {e}");
            }
        }
    }

    private static void RunIteration(Random random)
    {
        var expected = new List<ReceivedRecord>();
        var parameterSets = new List<ParameterSet>();
        var wire = new ArrayBufferWriter<byte>();
        int items = random.Next(1, 12);
        for (int item = 0; item < items; item++)
        {
            ushort requestId = (ushort)random.Next(0, 65536);
            switch (random.Next(7))
            {
                case 0:
                {
                    ushort role = random.Next(4) == 0 ? (ushort)random.Next(0, 65536) : (ushort)random.Next(1, 4);
                    byte flags = (byte)random.Next(0, 2);
                    int written = FcgiRecordWriter.WriteBeginRequest(wire.GetSpan(16), requestId, (FcgiRole)role, (FcgiBeginRequestFlags)flags);
                    wire.Advance(written);
                    expected.Add(ReceivedRecord.Padded(FcgiRecordType.BeginRequest, requestId, [(byte)(role >> 8), (byte)role, flags, 0, 0, 0, 0, 0]));
                    break;
                }

                case 1:
                {
                    uint appStatus = (uint)random.NextInt64(0, 1L << 32);
                    byte status = (byte)random.Next(0, 4);
                    wire.Advance(FcgiRecordWriter.WriteEndRequest(wire.GetSpan(16), requestId, appStatus, (FcgiProtocolStatus)status));
                    expected.Add(ReceivedRecord.Padded(
                        FcgiRecordType.EndRequest,
                        requestId,
                        [(byte)(appStatus >> 24), (byte)(appStatus >> 16), (byte)(appStatus >> 8), (byte)appStatus, status, 0, 0, 0]));
                    break;
                }

                case 2:
                {
                    byte type = (byte)random.Next(0, 256);
                    wire.Advance(FcgiRecordWriter.WriteUnknownType(wire.GetSpan(16), type));
                    expected.Add(ReceivedRecord.Padded(FcgiRecordType.UnknownType, 0, [type, 0, 0, 0, 0, 0, 0, 0]));
                    break;
                }

                case 3:
                    wire.Advance(FcgiRecordWriter.WriteAbortRequest(wire.GetSpan(8), requestId));
                    expected.Add(ReceivedRecord.Padded(FcgiRecordType.AbortRequest, requestId, []));
                    break;

                case 4:
                {
                    var type = (FcgiRecordType)random.Next(0, 256);
                    byte[] content = RandomBytes(random, Math.Min(NextLength(random), FcgiConstants.MaxContentLength));
                    wire.Advance(FcgiRecordWriter.WriteRecord(wire.GetSpan(FcgiRecordWriter.GetRecordLength(content.Length)), type, requestId, content));
                    expected.Add(ReceivedRecord.Padded(type, requestId, content));
                    break;
                }

                case 5:
                {
                    FcgiRecordType type = s_streamTypes[random.Next(s_streamTypes.Length)];
                    WriteStream(random, wire, expected, type, requestId, RandomBytes(random, NextLength(random)));
                    break;
                }

                default:
                {
                    var set = new ParameterSet(expected.Count, RandomPairs(random));
                    int encodedLength = 0;
                    foreach ((byte[] name, byte[] value) in set.Pairs)
                    {
                        encodedLength += FcgiNameValueWriter.GetEncodedLength(name.Length, value.Length);
                    }

                    byte[] encoded = new byte[encodedLength];
                    int position = 0;
                    foreach ((byte[] name, byte[] value) in set.Pairs)
                    {
                        Assert.True(FcgiNameValueWriter.TryWrite(encoded.AsSpan(position), name, value, out int written));
                        position += written;
                    }

                    Assert.Equal(encodedLength, position);
                    WriteStream(random, wire, expected, FcgiRecordType.Params, requestId, encoded);
                    set.RecordCount = expected.Count - set.FirstRecord;
                    parameterSets.Add(set);
                    break;
                }
            }
        }

        byte[] bytes = wire.WrittenSpan.ToArray();

        // The same bytes through three paths: random span reads, a random segment chain, the stateless reader.
        var spans = new RecordCollector();
        int maxChunk = random.Next(3) switch { 0 => 8, 1 => 300, _ => 70000 };
        for (int position = 0; position < bytes.Length;)
        {
            int chunk = Math.Min(random.Next(0, maxChunk + 1), bytes.Length - position);
            Assert.Equal(FcgiReadStatus.NeedMoreData, spans.Feed(bytes.AsSpan(position, chunk)));
            position += chunk;
        }

        ReceivedRecord.AssertEqual(expected, spans.Records);
        Assert.True(spans.IsAtRecordBoundary);

        var segments = new RecordCollector();
        var cuts = new List<int>();
        for (int position = 0; position <= bytes.Length; position += random.Next(0, maxChunk + 1))
        {
            cuts.Add(position);
        }

        Assert.Equal(FcgiReadStatus.NeedMoreData, segments.Feed(BufferSegment.CreateSequence(bytes, cuts)));
        ReceivedRecord.AssertEqual(expected, segments.Records);

        var whole = new List<ReceivedRecord>();
        ReadOnlySpan<byte> rest = bytes;
        while (FcgiRecord.TryRead(rest, out FcgiRecordHeader header, out ReadOnlySpan<byte> content, out int recordLength) == FcgiReadStatus.Fragment)
        {
            whole.Add(new ReceivedRecord(header, content.ToArray()));
            rest = rest.Slice(recordLength);
        }

        Assert.True(rest.IsEmpty);
        ReceivedRecord.AssertEqual(expected, whole);

        foreach (ParameterSet set in parameterSets)
        {
            AssertPairsDecodeAcrossRecords(random, set, spans.Records);
        }
    }

    /// <summary>
    /// Decodes a PARAMS stream the way a connection must: bytes arrive in pieces that cut pairs
    /// anywhere (§3.3 gives record boundaries no meaning), and the unconsumed tail is kept.
    /// </summary>
    private static void AssertPairsDecodeAcrossRecords(Random random, ParameterSet set, IReadOnlyList<ReceivedRecord> records)
    {
        var pending = new List<byte>();
        var decoded = new List<(byte[] Name, byte[] Value)>();
        for (int i = set.FirstRecord; i < set.FirstRecord + set.RecordCount; i++)
        {
            byte[] content = records[i].Content;
            Assert.Equal(FcgiRecordType.Params, records[i].Header.Type);
            for (int position = 0; position < content.Length;)
            {
                int piece = Math.Min(random.Next(1, 200), content.Length - position);
                pending.AddRange(content.AsSpan(position, piece));
                position += piece;

                byte[] buffer = pending.ToArray();
                var reader = new FcgiNameValueReader(buffer);
                FcgiNameValueStatus status;
                while ((status = reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)) == FcgiNameValueStatus.Pair)
                {
                    decoded.Add((name.ToArray(), value.ToArray()));
                }

                Assert.NotEqual(FcgiNameValueStatus.LengthOverLimit, status);
                pending.RemoveRange(0, reader.Consumed);
            }
        }

        Assert.Empty(pending);
        Assert.Equal(set.Pairs.Count, decoded.Count);
        for (int i = 0; i < decoded.Count; i++)
        {
            Assert.Equal(set.Pairs[i].Name, decoded[i].Name);
            Assert.Equal(set.Pairs[i].Value, decoded[i].Value);
        }
    }

    private static void WriteStream(Random random, ArrayBufferWriter<byte> wire, List<ReceivedRecord> expected, FcgiRecordType type, ushort requestId, byte[] data)
    {
        // Sometimes hand the writer the exact length, sometimes room to spare.
        int length = (int)FcgiRecordWriter.GetStreamLength(data.Length, endStream: true);
        Span<byte> destination = wire.GetSpan(length + random.Next(0, 64));
        int written = FcgiRecordWriter.WriteStream(destination, type, requestId, data, out int dataConsumed);
        Assert.Equal(data.Length, dataConsumed);
        written += FcgiRecordWriter.WriteEndOfStream(destination.Slice(written), type, requestId);
        Assert.Equal(length, written);
        wire.Advance(written);

        // FastCGI 1.0 §3.3: the data in records of at most 65535 bytes, then one empty record.
        for (int position = 0; position < data.Length; position += FcgiConstants.MaxContentLength)
        {
            int chunk = Math.Min(FcgiConstants.MaxContentLength, data.Length - position);
            expected.Add(ReceivedRecord.Padded(type, requestId, data.AsSpan(position, chunk).ToArray()));
        }

        expected.Add(ReceivedRecord.Padded(type, requestId, []));
    }

    private static List<(byte[] Name, byte[] Value)> RandomPairs(Random random)
    {
        var pairs = new List<(byte[] Name, byte[] Value)>();
        int count = random.Next(0, 24);
        for (int i = 0; i < count; i++)
        {
            int nameLength = random.Next(4) == 0 ? random.Next(120, 300) : random.Next(0, 40);
            int valueLength = random.Next(8) == 0 ? random.Next(127, 70000) : random.Next(0, 130);
            pairs.Add((RandomBytes(random, nameLength), RandomBytes(random, valueLength)));
        }

        return pairs;
    }

    private static int NextLength(Random random) => random.Next(10) switch
    {
        < 4 => random.Next(0, 17),
        < 7 => random.Next(0, 300),
        < 9 => random.Next(0, 4000),
        _ => random.Next(60000, 140000),
    };

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private sealed class ParameterSet
    {
        public ParameterSet(int firstRecord, List<(byte[] Name, byte[] Value)> pairs)
        {
            FirstRecord = firstRecord;
            Pairs = pairs;
        }

        public int FirstRecord { get; }

        public List<(byte[] Name, byte[] Value)> Pairs { get; }

        public int RecordCount { get; set; }
    }
}
