using System;
using System.Collections.Generic;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

/// <summary>
/// The body arrives in STDIN records cut anywhere: every cut must give the events the whole body
/// gives (data merged), whether it falls in a delimiter, its padding, a header line or content.
/// </summary>
public class MultipartSplitTests
{
    public static TheoryData<string> Vectors => ["html4", "rfc2046", "browser"];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void EverySplitIntoTwoChunksReadsLikeTheWholeBody(string vector)
    {
        (string contentType, byte[] body) = Vector(vector);
        List<string> expected = MultipartCollector.Parse(contentType, body).Log;

        for (int split = 0; split <= body.Length; split++)
        {
            var collector = new MultipartCollector(contentType);

            collector.FeedAll([new(body, 0, split), new(body, split, body.Length - split)]);

            Assert.Equal(expected, collector.Log);
        }
    }

    [Fact]
    public void EverySplitIntoThreeChunksReadsLikeTheWholeBody()
    {
        byte[] body = MultipartVectors.Html4;
        List<string> expected = MultipartCollector.Parse(MultipartVectors.Html4ContentType, body).Log;
        var reader = new MultipartReader(maxParts: 16, maxHeaderBytes: 1024);

        for (int first = 0; first <= body.Length; first++)
        {
            for (int second = first; second <= body.Length; second++)
            {
                var collector = new MultipartCollector(reader, MultipartVectors.Html4ContentType);

                collector.FeedAll([new(body, 0, first), new(body, first, second - first), new(body, second, body.Length - second)]);

                Assert.Equal(expected, collector.Log);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void OneByteAtATimeReadsLikeTheWholeBody(string vector)
    {
        (string contentType, byte[] body) = Vector(vector);
        var chunks = new List<ArraySegment<byte>>();
        for (int i = 0; i < body.Length; i++)
        {
            chunks.Add(new(body, i, 1));
        }

        var collector = new MultipartCollector(contentType);
        collector.FeedAll(chunks);

        Assert.Equal(MultipartCollector.Parse(contentType, body).Log, collector.Log);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void EmptyChunksBetweenBytesChangeNothing(string vector)
    {
        (string contentType, byte[] body) = Vector(vector);
        var chunks = new List<ArraySegment<byte>>();
        for (int i = 0; i < body.Length; i += 3)
        {
            chunks.Add(new(body, i, Math.Min(3, body.Length - i)));
            chunks.Add(new(body, i, 0));
        }

        var collector = new MultipartCollector(contentType);
        collector.FeedAll(chunks);

        Assert.Equal(MultipartCollector.Parse(contentType, body).Log, collector.Log);
    }

    [Fact]
    public void EveryPrefixOfTheWholeVectorsIsReadWithoutLosingItsParts()
    {
        // Reading a prefix then the rest is a two-chunk split; here the first chunk alone must
        // already have reported every part whose delimiter it holds.
        byte[] body = MultipartVectors.Browser;
        List<ReadPart> all = MultipartCollector.Parse(MultipartVectors.BrowserContentType, body).Parts;
        for (int length = 0; length <= body.Length; length++)
        {
            var collector = new MultipartCollector(MultipartVectors.BrowserContentType);
            collector.Feed(body.AsSpan(0, length));

            Assert.Equal(all.GetRange(0, collector.Parts.Count), collector.Parts, ReadPartComparer.Instance);
        }
    }

    private static (string ContentType, byte[] Body) Vector(string name) => name switch
    {
        "html4" => (MultipartVectors.Html4ContentType, MultipartVectors.Html4),
        "rfc2046" => (MultipartVectors.Rfc2046ContentType, MultipartVectors.Rfc2046),
        _ => (MultipartVectors.BrowserContentType, MultipartVectors.Browser),
    };
}
