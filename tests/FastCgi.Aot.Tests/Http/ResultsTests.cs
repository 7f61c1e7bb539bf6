using System.Collections.Generic;
using System.Text;
using System.Text.Json.Serialization;

namespace FastCgi.Aot.Tests.Http;

public class ResultsTests
{
    [Fact]
    public void SeeOtherIs303WithTheLocationAndNoBody()
    {
        FcgiResult result = FcgiResults.SeeOther("/notes/7");

        Assert.Equal(303, result.StatusCode);
        Assert.Equal([new KeyValuePair<string, string>("Location", "/notes/7")], result.Headers);
        Assert.True(result.Body.IsEmpty);
        Assert.Null(result.ContentType);
    }

    [Fact]
    public void CreatedWithALocationOnlyIs201WithNoBody()
    {
        FcgiResult result = FcgiResults.Created("/notes/7");

        Assert.Equal(201, result.StatusCode);
        Assert.Equal([new KeyValuePair<string, string>("Location", "/notes/7")], result.Headers);
        Assert.True(result.Body.IsEmpty);
        Assert.Null(result.ContentType);
    }

    [Fact]
    public void CreatedWithTextIs201WithAPlainTextBody()
    {
        FcgiResult result = FcgiResults.Created("/notes/7", "created");

        Assert.Equal(201, result.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", result.ContentType);
        Assert.Equal("created", Encoding.UTF8.GetString(result.Body.Span));
        Assert.Equal([new KeyValuePair<string, string>("Location", "/notes/7")], result.Headers);
    }

    [Fact]
    public void CreatedWithTextTakesAContentType() =>
        Assert.Equal("text/html; charset=utf-8", FcgiResults.Created("/n/1", "<p>ok</p>", "text/html; charset=utf-8").ContentType);

    [Fact]
    public void CreatedWithJsonIs201WithTheSerializedValue()
    {
        FcgiResult result = FcgiResults.Created("/notes/7", new CreatedNote(7, "milk"), ResultsJsonContext.Default.CreatedNote);

        Assert.Equal(201, result.StatusCode);
        Assert.Equal("application/json; charset=utf-8", result.ContentType);
        Assert.Equal("""{"Id":7,"Text":"milk"}""", Encoding.UTF8.GetString(result.Body.Span));
        Assert.Equal([new KeyValuePair<string, string>("Location", "/notes/7")], result.Headers);
    }

    [Fact]
    public void ACreatedResultWritesItsLocationToTheResponse()
    {
        var response = new FcgiResponse();

        FcgiResults.Created("/notes/7").WriteTo(response);

        byte[] block = new byte[response.MaxHeaderBlockLength];
        string headers = Encoding.ASCII.GetString(block, 0, response.WriteHeaderBlock(block, complete: true));
        Assert.StartsWith("Status: 201 Created\r\n", headers, System.StringComparison.Ordinal);
        Assert.Contains("\r\nLocation: /notes/7\r\n", headers, System.StringComparison.Ordinal);
    }
}

public sealed record CreatedNote(int Id, string Text);

[JsonSerializable(typeof(CreatedNote))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
