using System.Collections.Generic;
using System.Linq;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// Where <see cref="FcgiRequest.Path"/> comes from: REQUEST_URI without its query when the web
/// server sends it (nginx, Apache, lighttpd do), else SCRIPT_NAME followed by PATH_INFO (CGI).
/// </summary>
public sealed class RequestPathTests
{
    [Fact]
    public void AbsentMethodQueryAndContentLengthAreEmptyEvenOnARequestNeverUsedBefore()
    {
        var exchange = new FcgiInMemoryExchange([new("FIRST", "not a method"), new("REQUEST_URI", "/x")]);
        Assert.True(exchange.Request.Method.IsEmpty);
        Assert.True(exchange.Request.QueryString.IsEmpty);
        Assert.Null(exchange.Request.ContentLength);
    }

    [Theory]
    [InlineData("12", 12L)]
    [InlineData("0", 0L)]
    [InlineData("", null)]
    [InlineData("-1", null)]
    [InlineData("12x", null)]
    public void ContentLengthIsTheFirstCONTENT_LENGTHWhenItIsANumber(string value, long? expected)
    {
        var exchange = new FcgiInMemoryExchange([new("REQUEST_METHOD", "POST"), new("CONTENT_LENGTH", value), new("CONTENT_LENGTH", "99")]);
        Assert.Equal(expected, exchange.Request.ContentLength);
    }

    [Theory]
    [InlineData("/users/7?x=1", "/cgi", "/ignored", "/users/7")]
    [InlineData("/plain", null, null, "/plain")]
    [InlineData("/?q", null, null, "/")]
    [InlineData(null, "/app", "/users/7", "/app/users/7")]
    [InlineData(null, "", "/users/7", "/users/7")]
    [InlineData(null, null, "/users/7", "/users/7")]
    [InlineData(null, "/hello", "", "/hello")]
    [InlineData(null, "/hello", null, "/hello")]
    [InlineData(null, null, null, "")]
    public void PathComesFromRequestUriElseScriptNameAndPathInfo(string? requestUri, string? scriptName, string? pathInfo, string expected)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("REQUEST_METHOD", "GET") };
        foreach ((string name, string? value) in new[] { ("REQUEST_URI", requestUri), ("SCRIPT_NAME", scriptName), ("PATH_INFO", pathInfo) })
        {
            if (value is not null)
            {
                parameters.Add(new(name, value));
            }
        }

        var exchange = new FcgiInMemoryExchange(parameters.AsEnumerable());
        Assert.Equal(expected, exchange.Request.GetPathString());
    }
}
