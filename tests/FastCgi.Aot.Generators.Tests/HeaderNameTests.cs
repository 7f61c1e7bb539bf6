using System.Collections.Generic;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using Microsoft.CodeAnalysis.CSharp;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>
/// <c>[FcgiHeader("X")]</c> and <c>FcgiRequest.TryGetHeader("X")</c> find a header under the same CGI
/// name (RFC 3875 §4.1.18), because the generator and the runtime compile one rule.
/// </summary>
public sealed class HeaderNameTests
{
    [Theory]
    [InlineData("User-Agent", "HTTP_USER_AGENT")]
    [InlineData("x-count", "HTTP_X_COUNT")]
    [InlineData("content-type", "CONTENT_TYPE")]
    [InlineData("Content-Length", "CONTENT_LENGTH")]
    [InlineData("Content_Type", "HTTP_CONTENT_TYPE")]
    [InlineData("X-Req.Id~2", "HTTP_X_REQ.ID~2")]
    public async Task TheGeneratorAndTheRuntimeLookForTheSameParameter(string header, string cgiName)
    {
        KeyValuePair<string, string> parameter = new(cgiName, "found");
        var server = new InMemoryServer(GeneratorRunner.Run(
            "using FastCgi.Aot;\npublic static class Api { [FcgiRoute(\"/h\")] public static string H([FcgiHeader(" + SymbolDisplay.FormatLiteral(header, quote: true) + ")] string? value) => value ?? \"absent\"; }")
            .AssertCleanBuild().Load());
        Assert.Equal("found", (await server.SendAsync("GET", "/h", parameters: [parameter])).Body);

        var exchange = new FcgiInMemoryExchange([parameter]);
        Assert.True(exchange.Request.TryGetHeader(header, out System.ReadOnlySpan<byte> value));
        Assert.Equal("found"u8.ToArray(), value.ToArray());
    }

    [Theory]
    [InlineData("X-\u00dc")]
    [InlineData("X Count")]
    [InlineData("X:Count")]
    [InlineData("X-Caf\u00e9")]
    public void ANameThatIsNotATokenIsAnErrorAtCompileTimeAndAbsentAtRunTime(string header)
    {
        GeneratorRun run = GeneratorRunner.Run(
            "using FastCgi.Aot;\npublic static class Api { [FcgiRoute(\"/h\")] public static string H([FcgiHeader(" + SymbolDisplay.FormatLiteral(header, quote: true) + ")] string? value) => value ?? \"absent\"; }");
        Assert.Equal("FCGI018", Assert.Single(run.Diagnostics).Id);

        // Whatever the web server sent, no parameter answers to a name that is not a token.
        string upper = "HTTP_" + header.ToUpperInvariant().Replace('-', '_');
        var exchange = new FcgiInMemoryExchange([new KeyValuePair<string, string>(upper, "found")]);
        Assert.False(exchange.Request.TryGetHeader(header, out _));
    }
}
