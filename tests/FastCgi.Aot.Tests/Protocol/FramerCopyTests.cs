using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// The body a handler writes is where it is sent from: framing puts record headers around it and
/// the header block in front of it, but never copies it again (the second copy the response path
/// used to make, into a send buffer).
/// </summary>
public sealed class FramerCopyTests
{
    [Theory]
    [InlineData(13)]
    [InlineData(70_000)]
    public void TheBytesAHandlerWritesAreTheBytesSent(int length)
    {
        FcgiResponse response = (FcgiResponse)Activator.CreateInstance(typeof(FcgiResponse), nonPublic: true)!;
        response.Start(sink: null, requestId: 1, suppressBody: false, streamThreshold: int.MaxValue);
        response.MaxBufferedBytes = int.MaxValue;

        // The handler writes into the span the response hands out, as serializers do (a buffer that
        // has to grow copies what it holds, which is the handler's cost, not framing's: one span here).
        Span<byte> body = response.GetSpan(length);
        body.Slice(0, length).Fill((byte)'x');
        ref byte first = ref body[0];
        response.Advance(length);

        new OutputProducer(transport: null!).FrameFinal(response, 1);
        ReadOnlyMemory<byte> framed = response.Stdout.Framed;

        // The sent bytes contain the very memory the handler wrote into: same array, same place.
        Assert.True(MemoryMarshal.TryGetArray(framed, out ArraySegment<byte> segment));
        int offset = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(segment.Array!), ref first);
        Assert.InRange(offset, segment.Offset, segment.Offset + segment.Count - 1);

        // And the records read back to the header block plus the body, then END_REQUEST.
        var collector = new RecordCollector();
        collector.Feed(framed.Span);
        int stdout = 0;
        foreach (ReceivedRecord record in collector.Records)
        {
            if (record.Header.Type == FcgiRecordType.Stdout)
            {
                stdout += record.Content.Length;
            }
        }

        Assert.Equal(FcgiRecordType.EndRequest, collector.Records[^1].Header.Type);
        Assert.True(stdout > length, "the header block and the body");
        Assert.True(collector.IsAtRecordBoundary);
    }
}
