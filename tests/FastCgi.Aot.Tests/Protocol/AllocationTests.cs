using System;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>The protocol core promises not to allocate; this pins it outside the benchmarks too.</summary>
public class AllocationTests
{
    [Fact]
    public void ReadingARequestAndWritingAResponseAllocatesNothingAfterWarmUp()
    {
        byte[] request = RequestStreamVector.Bytes;
        byte[] response = new byte[256];
        int checksum = RoundTrip(request, response);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            checksum += RoundTrip(request, response);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(101 * RoundTrip(request, response), checksum);
    }

    private static int RoundTrip(byte[] request, byte[] response)
    {
        int checksum = 0;
        var reader = default(FcgiRecordReader);
        ReadOnlySpan<byte> input = request;
        while (true)
        {
            FcgiReadStatus status = reader.Read(input, out int consumed, out FcgiRecordFragment fragment);
            input = input.Slice(consumed);
            if (status != FcgiReadStatus.Fragment)
            {
                break;
            }

            checksum += (int)fragment.Header.Type;
            if (fragment.Header.Type == FcgiRecordType.Params)
            {
                var pairs = new FcgiNameValueReader(fragment.Content, maxLength: 4096);
                while (pairs.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value) == FcgiNameValueStatus.Pair)
                {
                    checksum += name.Length + value.Length;
                }
            }
        }

        int written = FcgiRecordWriter.WriteStream(response, FcgiRecordType.Stdout, 1, "Status: 200 OK\r\n\r\nok"u8, out _);
        written += FcgiRecordWriter.WriteEndOfStream(response.AsSpan(written), FcgiRecordType.Stdout, 1);
        written += FcgiRecordWriter.WriteEndRequest(response.AsSpan(written), 1, 0, FcgiProtocolStatus.RequestComplete);
        return checksum + written;
    }
}
