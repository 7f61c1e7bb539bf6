using System.Threading.Tasks;
using FastCgi.Aot.Testing;
using Xunit;

namespace MyFcgiApp.Tests;

/// <summary>
/// Requests through the application's generated dispatcher, in memory: the same binding, error
/// answers and hooks the server runs, without a socket or a web server.
/// </summary>
public sealed class RequestTests
{
    [Fact]
    public async Task HelloAnswersHelloWorldAsPlainText()
    {
        await using var client = FcgiTestClient.Create<FastCgi.Aot.Generated.FcgiApplication>();

        FcgiTestResponse response = await client.GetAsync("/hello");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.ContentType);
        Assert.Equal("Hello, World!", response.Text);
    }

    [Fact]
    public async Task AddBindsItsArgumentsFromTheQuery()
    {
        await using var client = FcgiTestClient.Create<FastCgi.Aot.Generated.FcgiApplication>();

        Assert.Equal("42", (await client.GetAsync("/add?a=40&b=2")).Text);
    }

    [Theory]
    [InlineData("/add?a=1")]
    [InlineData("/add?a=1&b=two")]
    public async Task AMissingOrInvalidArgumentIs400(string target)
    {
        await using var client = FcgiTestClient.Create<FastCgi.Aot.Generated.FcgiApplication>();

        Assert.Equal(400, (await client.GetAsync(target)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownPathIs404()
    {
        await using var client = FcgiTestClient.Create<FastCgi.Aot.Generated.FcgiApplication>();

        Assert.Equal(404, (await client.GetAsync("/nope")).StatusCode);
    }
}
