using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>The body and data streams a handler gets: one object per request state, rewound and repointed for each request.</summary>
public sealed class RequestStreamTests
{
    private static readonly KeyValuePair<string, string>[] Post = [new("REQUEST_METHOD", "POST"), new("REQUEST_URI", "/echo")];

    [Fact]
    public async Task TheBodyStreamReadsTheBodySeeksAndIsReusedWithoutAllocating()
    {
        var exchange = new FcgiInMemoryExchange(Post, "hello body"u8, FcgiRole.Filter, "filter data"u8);
        FcgiRequest request = exchange.Request;
        Stream body = request.OpenBodyStream();
        Assert.Equal("hello body", await new StreamReader(body).ReadToEndAsync());
        body.Position = 6;
        byte[] buffer = new byte[16];
        Assert.Equal(4, await body.ReadAsync(buffer, 0, buffer.Length));
        Assert.Equal("body"u8.ToArray(), buffer.AsSpan(0, 4).ToArray());
        Assert.Equal(0, await body.ReadAsync(buffer, 0, buffer.Length));
        Assert.Equal("filter data", new StreamReader(request.OpenDataStream()).ReadToEnd());

        // A second call rewinds the same stream; after that, opening costs nothing.
        Assert.Same(body, request.OpenBodyStream());
        Assert.Equal(0, body.Position);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            request.OpenBodyStream().ReadByte();
            request.OpenDataStream().ReadByte();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // Cleared for the next request: a stream kept past its handler reads nothing.
        request.Clear();
        body.Position = 0;
        Assert.Equal(-1, body.ReadByte());
    }
}
