using System;
using System.Collections.Generic;
using System.Globalization;
using FastCgi.Aot.Protocol;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>
/// Seeded, structure-aware fuzzing of the record reader and the PARAMS decoder with mutated
/// nginx, HAProxy and Filter request streams. Each case has its own seed, printed with the
/// mutations and saved to a file on failure; <c>FCGI_FUZZ_SEED</c> and <c>FCGI_FUZZ_CASES</c>
/// change the run.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly int s_cases =
        int.TryParse(Environment.GetEnvironmentVariable("FCGI_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int cases) ? cases : 50_000;

    private static readonly int[] s_limits = [FcgiConstants.MaxNameValueLength, 65_535, 1024, 16, 0];

    private sealed class Tally
    {
        public long Inputs;
        public long Bytes;
        public long Records;
        public long Fragments;
        public long UnsupportedVersion;
        public long IncompleteTail;
        public long Streams;
        public long Pairs;
        public readonly long[] NameValueEnds = new long[4];
    }

    [Fact]
    public void MutatedRequestStreamsAlwaysReadAsTypedResultsWithinTheInput()
    {
        IReadOnlyList<(string Name, byte[] Bytes)> corpus = RecordFuzzer.LoadCorpus();
        var tally = new Tally();

        // The corpus itself first, unmutated, then the mutants.
        for (int i = 0; i < corpus.Count; i++)
        {
            RunCase(corpus[i].Bytes, new Random(i), tally, $"corpus file {corpus[i].Name}", -1);
        }

        for (int i = 0; i < s_cases; i++)
        {
            int seed = RecordFuzzer.CaseSeed(i);
            var random = new Random(seed);
            byte[] input = RecordFuzzer.Mutate(random, corpus, out string mutations);
            RunCase(input, random, tally, mutations, seed);
        }

        output.WriteLine(
            $"fuzz (base seed {RecordFuzzer.BaseSeed}): {tally.Inputs} inputs, {tally.Bytes} bytes, {tally.Records} records in {tally.Fragments} fragments, " +
            $"{tally.UnsupportedVersion} streams ending at a bad version, {tally.IncompleteTail} with an incomplete tail; {tally.Streams} name-value streams decoded, {tally.Pairs} pairs; " +
            $"ends: pair-boundary {tally.NameValueEnds[(int)FcgiNameValueStatus.End]}, incomplete {tally.NameValueEnds[(int)FcgiNameValueStatus.Incomplete]}, over the limit {tally.NameValueEnds[(int)FcgiNameValueStatus.LengthOverLimit]}");
        Assert.Equal(s_cases + corpus.Count, tally.Inputs);
        // The mutations must reach every outcome, or the fuzzer is not exploring.
        Assert.True(tally.UnsupportedVersion > 0 && tally.IncompleteTail > 0);
        Assert.True(tally.NameValueEnds[(int)FcgiNameValueStatus.Incomplete] > 0 && tally.NameValueEnds[(int)FcgiNameValueStatus.LengthOverLimit] > 0);
    }

    private void RunCase(byte[] input, Random random, Tally tally, string mutations, int seed)
    {
        try
        {
            CheckStream(input, random, tally);
        }
        catch (Exception exception)
        {
            string saved = RecordFuzzer.SaveFailure("reader", seed, input);
            output.WriteLine($"FAILED: seed {seed} (FCGI_FUZZ_SEED={RecordFuzzer.BaseSeed}), mutations: {mutations}; input saved to {saved}");
            Assert.Fail($"fuzz case with seed {seed} failed ({mutations}); input saved to {saved}: {exception}");
        }
    }

    /// <summary>
    /// Reads the input whole, then again in random splits: both must see the same records, every
    /// fragment must be a view inside the bytes given, every status a defined value, and every
    /// PARAMS stream must decode to a typed result.
    /// </summary>
    private static void CheckStream(byte[] input, Random random, Tally tally)
    {
        tally.Inputs++;
        tally.Bytes += input.Length;

        // The whole-buffer reader is the reference.
        var expected = new List<(FcgiRecordHeader Header, byte[] Content)>();
        int offset = 0;
        FcgiReadStatus wholeStatus;
        while ((wholeStatus = FcgiRecord.TryRead(input.AsSpan(offset), out FcgiRecordHeader header, out ReadOnlySpan<byte> content, out int recordLength)) == FcgiReadStatus.Fragment)
        {
            Assert.Equal(header.RecordLength, recordLength);
            Assert.InRange(recordLength, FcgiConstants.HeaderLength, input.Length - offset);
            AssertWithin(input.AsSpan(offset), content);
            expected.Add((header, content.ToArray()));
            offset += recordLength;
        }

        Assert.True(Enum.IsDefined(wholeStatus));

        // The incremental reader, fed random splits, must agree.
        var actual = new List<(FcgiRecordHeader Header, byte[] Content)>();
        var reader = default(FcgiRecordReader);
        var pending = new List<byte>();
        bool failed = false;
        int position = 0;
        while (position < input.Length && !failed)
        {
            int chunk = random.Next(4) == 0 ? input.Length - position : random.Next(1, Math.Min(input.Length - position, 700) + 1);
            ReadOnlySpan<byte> piece = input.AsSpan(position, chunk);
            int used = 0;
            while (true)
            {
                ReadOnlySpan<byte> rest = piece.Slice(used);
                FcgiReadStatus status = reader.Read(rest, out int consumed, out FcgiRecordFragment fragment);
                Assert.True(Enum.IsDefined(status));
                Assert.InRange(consumed, 0, rest.Length);
                used += consumed;
                if (status == FcgiReadStatus.UnsupportedVersion)
                {
                    Assert.True(reader.HasFailed);
                    failed = true;
                    break;
                }

                if (status == FcgiReadStatus.NeedMoreData)
                {
                    Assert.Equal(piece.Length, used);
                    break;
                }

                // A fragment always makes progress and lies inside the bytes just given.
                Assert.True(consumed > 0, "a fragment that consumed nothing");
                AssertWithin(rest, fragment.Content);
                Assert.InRange(fragment.Offset + fragment.Content.Length, 0, fragment.Header.ContentLength);
                tally.Fragments++;
                if (fragment.IsRecordStart)
                {
                    pending.Clear();
                }

                pending.AddRange(fragment.Content);
                if (fragment.IsRecordEnd)
                {
                    actual.Add((fragment.Header, pending.ToArray()));
                }
            }

            position += chunk;
        }

        // The incremental reader hands a record over before its padding arrives; the whole-buffer
        // reader waits for the padding. That is the only difference allowed, at the tail.
        if (actual.Count == expected.Count + 1 && wholeStatus == FcgiReadStatus.NeedMoreData)
        {
            FcgiRecordHeader last = actual[^1].Header;
            Assert.True(offset + FcgiConstants.HeaderLength + last.ContentLength <= input.Length && input.Length < offset + last.RecordLength);
            actual.RemoveAt(actual.Count - 1);
        }

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Header, actual[i].Header);
            Assert.Equal(expected[i].Content, actual[i].Content);
        }

        Assert.Equal(wholeStatus == FcgiReadStatus.UnsupportedVersion, failed);
        tally.Records += expected.Count;
        tally.UnsupportedVersion += failed ? 1 : 0;
        tally.IncompleteTail += wholeStatus == FcgiReadStatus.NeedMoreData && offset < input.Length ? 1 : 0;

        CheckNameValueStreams(expected, random, tally);
    }

    /// <summary>Decodes each PARAMS record alone, each whole PARAMS stream, and GET_VALUES, as the server would.</summary>
    private static void CheckNameValueStreams(List<(FcgiRecordHeader Header, byte[] Content)> records, Random random, Tally tally)
    {
        var streams = new Dictionary<ushort, List<byte>>();
        var request = new FcgiRequest();
        foreach ((FcgiRecordHeader header, byte[] content) in records)
        {
            if (header.Type == FcgiRecordType.GetValues && header.IsManagement)
            {
                CheckNameValues(content, s_limits[random.Next(s_limits.Length)], tally);
                continue;
            }

            if (header.Type != FcgiRecordType.Params || header.IsManagement)
            {
                continue;
            }

            if (content.Length > 0)
            {
                CheckNameValues(content, s_limits[random.Next(s_limits.Length)], tally);
                if (!streams.TryGetValue(header.RequestId, out List<byte>? stream))
                {
                    streams[header.RequestId] = stream = [];
                }

                stream.AddRange(content);
                continue;
            }

            if (streams.Remove(header.RequestId, out List<byte>? complete))
            {
                byte[] bytes = complete.ToArray();
                CheckNameValues(bytes, FcgiConstants.MaxNameValueLength, tally);
                CheckRequestDecode(request, bytes);
            }
        }
    }

    private static void CheckNameValues(byte[] stream, int maxLength, Tally tally)
    {
        tally.Streams++;
        var reader = new FcgiNameValueReader(stream, maxLength);
        int previous = 0;
        while (true)
        {
            FcgiNameValueStatus status = reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);
            Assert.True(Enum.IsDefined(status));
            if (status == FcgiNameValueStatus.Pair)
            {
                // Two length bytes at least, and both strings inside the input, value right after name.
                Assert.InRange(reader.Consumed, previous + 2, stream.Length);
                Assert.InRange(name.Length, 0, maxLength);
                Assert.InRange(value.Length, 0, maxLength);
                ReadOnlySpan<byte> pair = stream.AsSpan(previous, reader.Consumed - previous);
                AssertWithin(pair, name);
                AssertWithin(pair, value);
                if (!name.IsEmpty && pair.Overlaps(name, out int nameAt))
                {
                    Assert.Equal(pair.Length - value.Length - name.Length, nameAt);
                }

                if (!value.IsEmpty && pair.Overlaps(value, out int valueAt))
                {
                    Assert.Equal(pair.Length - value.Length, valueAt);
                }
                previous = reader.Consumed;
                tally.Pairs++;
                continue;
            }

            Assert.Equal(previous, reader.Consumed);
            if (status == FcgiNameValueStatus.End)
            {
                Assert.Equal(stream.Length, reader.Consumed);
            }
            else
            {
                Assert.True(reader.Consumed < stream.Length);
            }

            // A terminal status is stable: asking again changes nothing.
            Assert.Equal(status, reader.Read(out _, out _));
            Assert.Equal(previous, reader.Consumed);
            tally.NameValueEnds[(int)status]++;
            return;
        }
    }

    /// <summary>The server's own decoder: a complete stream either indexes or is refused, and indexed values stay inside it.</summary>
    private static void CheckRequestDecode(FcgiRequest request, byte[] stream)
    {
        request.Clear();
        Assert.True(request.TryAppendParams(stream, int.MaxValue));
        FcgiNameValueStatus status = request.CompleteParams();
        Assert.True(Enum.IsDefined(status));
        Assert.NotEqual(FcgiNameValueStatus.Pair, status);
        if (status != FcgiNameValueStatus.End)
        {
            return;
        }

        int count = 0;
        foreach (FcgiParam param in request.Params)
        {
            Assert.True(request.TryGetParam(param.Name, out _));
            count++;
        }

        Assert.Equal(request.ParamCount, count);
        _ = request.Method.Length + request.Path.Length + request.QueryString.Length;
        _ = request.GetMethodString();
        _ = request.GetPathString();
        _ = request.ContentLength;
        _ = request.TryGetHeader("User-Agent", out _);
    }

    private static void AssertWithin(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner)
    {
        if (inner.IsEmpty)
        {
            return;
        }

        Assert.True(outer.Overlaps(inner, out int elementOffset), "a view outside the input");
        Assert.InRange(elementOffset, 0, outer.Length - inner.Length);
    }
}
