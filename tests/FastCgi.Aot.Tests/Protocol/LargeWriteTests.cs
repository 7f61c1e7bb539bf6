using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// A write larger than the stream threshold goes out in pieces of about the threshold: the
/// response holds one piece at a time (one array of the threshold's size), not the whole body.
/// </summary>
public sealed class LargeWriteTests
{
    private const int Threshold = 64 * 1024;

    [Theory]
    [InlineData(1024 * 1024)]
    [InlineData(Threshold + 1)]
    [InlineData(3 * Threshold + 12_345)]
    public async Task ALargeWriteIsSentInPiecesThatFitTheBuffer(int length)
    {
        var sink = new RecordingSink();
        FcgiResponse response = NewResponse(sink);
        byte[] body = Pattern(length);

        response.Write("head:"u8);
        await response.WriteAsync(body);
        response.Write(":tail"u8);
        sink.Producer.FrameFinal(response, 1);
        sink.Collect(response);

        Assert.All(sink.Capacities, capacity => Assert.InRange(capacity, 1, Threshold));
        Assert.True(response.Stdout.Capacity <= Threshold, $"the last piece grew the buffer to {response.Stdout.Capacity}");
        Assert.True(sink.Capacities.Count >= length / Threshold, $"{sink.Capacities.Count} sends for {length} bytes");
        Assert.Equal([.. "head:"u8, .. body, .. ":tail"u8], sink.Body());
    }

    [Fact]
    public async Task AWriteWithinTheThresholdIsNotSentBeforeTheResponseEnds()
    {
        var sink = new RecordingSink();
        FcgiResponse response = NewResponse(sink);

        await response.WriteAsync(Pattern(Threshold / 2));

        Assert.Empty(sink.Capacities);
    }

    [Fact]
    public async Task APieceIsNotWrittenOnceTheResponseIsDiscarded()
    {
        var sink = new RecordingSink();
        FcgiResponse response = NewResponse(sink);
        sink.DiscardAfter = 2;

        await response.WriteAsync(Pattern(1024 * 1024));

        Assert.Equal(2, sink.Capacities.Count);
    }

    private static FcgiResponse NewResponse(RecordingSink sink)
    {
        FcgiResponse response = (FcgiResponse)Activator.CreateInstance(typeof(FcgiResponse), nonPublic: true)!;
        response.Start(sink, requestId: 1, suppressBody: false, streamThreshold: Threshold);
        response.MaxBufferedBytes = 32 * 1024 * 1024;
        response.ContentType = "application/octet-stream";
        return response;
    }

    private static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    /// <summary>What the connection does with a flush, minus the socket: frame, keep the records, forget them.</summary>
    private sealed class RecordingSink : IFcgiResponseSink
    {
        private readonly RecordCollector _records = new();

        public OutputProducer Producer { get; } = new(transport: null!);

        public List<int> Capacities { get; } = [];

        public int DiscardAfter { get; set; } = int.MaxValue;

        public ValueTask FlushAsync(FcgiResponse response, CancellationToken cancellationToken)
        {
            Producer.FramePartial(response, 1);
            Capacities.Add(response.Stdout.Capacity);
            Collect(response);
            if (Capacities.Count == DiscardAfter)
            {
                response.Discard();
            }

            return default;
        }

        public void Collect(FcgiResponse response)
        {
            _records.Feed(response.Stdout.Framed.Span);
            response.Stdout.Consume();
        }

        /// <summary>The STDOUT content after the CGI header block.</summary>
        public byte[] Body()
        {
            var stdout = new List<byte>();
            foreach (ReceivedRecord record in _records.Records)
            {
                if (record.Header.Type == FcgiRecordType.Stdout)
                {
                    stdout.AddRange(record.Content);
                }
            }

            byte[] all = stdout.ToArray();
            int end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            Assert.True(end > 0, "a header block");
            Assert.True(_records.IsAtRecordBoundary);
            return all.AsSpan(end + 4).ToArray();
        }
    }
}
