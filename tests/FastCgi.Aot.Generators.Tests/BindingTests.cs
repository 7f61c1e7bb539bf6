using System.Collections.Generic;
using System.Threading.Tasks;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Runs the generated binders of the sample application: every source, type, default and nullable.</summary>
public sealed class BindingTests(SampleAppFixture fixture) : IClassFixture<SampleAppFixture>
{
    private const string AllTypes =
        "/types?l=-5&d=2.5&m=3.25&flag=TRUE&c=x&g=6f9619ff-8b86-d011-b42d-00cf4fc964ff&dt=2024-01-02T03:04:05Z&dto=2024-01-02T03:04:05%2B02:00&ts=01:02:03&color=green";

    private InMemoryServer Server => fixture.Server;

    [Fact]
    public async Task EveryTypeParsesFromTheQueryAndDefaultsApply()
    {
        CgiResponse response = await Server.SendAsync("GET", AllTypes);
        Assert.Equal(200, response.Status);
        Assert.Equal(
            "-5|2.5|3.25|True|x|6f9619ff-8b86-d011-b42d-00cf4fc964ff|2024-01-02T03:04:05.0000000Z|2024-01-02T03:04:05.0000000+02:00|01:02:03|Green|7|null|null|10|Blue",
            response.Body.Replace(System.DateTime.Parse("2024-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture).ToString("O", System.Globalization.CultureInfo.InvariantCulture), "2024-01-02T03:04:05.0000000Z", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task OptionalValuesBindWhenPresent()
    {
        CgiResponse response = await Server.SendAsync("GET", AllTypes + "&b=9&maybe=4&text=hi+there%21&page-size=50&fallback=1");
        Assert.EndsWith("|9|4|hi there!|50|Green", response.Body);
    }

    [Theory]
    [InlineData("l", "1.5")]
    [InlineData("flag", "yes")]
    [InlineData("c", "xy")]
    [InlineData("g", "nope")]
    [InlineData("color", "purple")]
    [InlineData("b", "300")]
    [InlineData("maybe", "x")]
    [InlineData("ts", "tomorrow")]
    public async Task AnUnparsableValueNamesTheParameter(string name, string value)
    {
        string uri = System.Text.RegularExpressions.Regex.Replace(AllTypes, "([?&])" + name + "=[^&]*", "$1") + "&" + name + "=" + value;
        CgiResponse response = await Server.SendAsync("GET", uri);
        Assert.Equal(400, response.Status);
        Assert.Equal($"Parameter '{name}' has an invalid value.\n", response.Body);
    }

    [Fact]
    public async Task AnEmptyValueOfARequiredNumberIsMissing()
    {
        CgiResponse response = await Server.SendAsync("GET", "/add?a=&b=2");
        Assert.Equal(400, response.Status);
        Assert.Equal("Required parameter 'a' is missing.\n", response.Body);
    }

    [Fact]
    public async Task PercentEncodedQueryKeysAndValuesAreDecoded()
    {
        Assert.Equal("12", (await Server.SendAsync("GET", "/add?%61=1%30&b=2")).Body);
    }

    [Theory]
    [InlineData("/files/a/b", "file:a/b")]
    [InlineData("/files/a%2Fb", "file:a%2Fb")]
    [InlineData("/files/a%2fb/c", "file:a%2fb/c")]
    [InlineData("/files/caf%C3%A9%20au%20lait", "file:caf\u00e9 au lait")]
    [InlineData("/files/a+b", "file:a+b")]
    [InlineData("/files/", "file:")]
    public async Task ACatchAllIsPercentDecodedExceptAnEncodedSlash(string uri, string body)
    {
        Assert.Equal(System.Text.RegularExpressions.Regex.Unescape(body), (await Server.SendAsync("GET", uri)).Body);
    }

    [Theory]
    [InlineData("/item/a%2Fb", "put a/b")]
    [InlineData("/item/a+b%20c", "put a+b c")]
    public async Task ARouteSegmentIsPercentDecodedWholly(string uri, string body)
    {
        // The path was split at its real slashes before decoding, so a decoded "/" in a segment is unambiguous.
        Assert.Equal(body, (await Server.SendAsync("PUT", uri)).Body);
    }

    [Fact]
    public async Task IUtf8SpanParsableAndDefaultValuesBindFromTheRoute()
    {
        Assert.Equal("1.2.3/0", (await Server.SendAsync("GET", "/version/1.2.3")).Body);
        Assert.Equal("1.2/0.5", (await Server.SendAsync("GET", "/version/1.2?h=0.5")).Body);
        Assert.Equal(400, (await Server.SendAsync("GET", "/version/x")).Status);
    }

    [Fact]
    public async Task ACollectionIsAJsonBodyOnAPost()
    {
        var server = new InMemoryServer(GeneratorRunner.Run("""
            using System.Collections.Generic;
            using FastCgi.Aot;
            using FastCgi.Aot.Generators.Tests;
            [assembly: FcgiJsonContext(typeof(TestJsonContext))]
            public static class Api
            {
                [FcgiRoute("/users", Method = "POST")] public static int Count(List<User> users) => users.Count;
                [FcgiRoute("/users", Method = "PUT")] public static int Names([FcgiBody] User[] users) => users.Length;
            }
            """).AssertCleanBuild().Load());
        Assert.Equal("2", (await server.SendAsync("POST", "/users", """[{"Id":1,"Name":"a"},{"Id":2,"Name":"b"}]""")).Body);
        Assert.Equal("1", (await server.SendAsync("PUT", "/users", """[{"Id":1,"Name":"a"}]""")).Body);
    }

    [Fact]
    public async Task CgiParametersAndHeadersBindByAttribute()
    {
        var parameters = new Dictionary<string, string> { ["REMOTE_ADDR"] = "10.0.0.1", ["HTTP_USER_AGENT"] = "curl/8", ["HTTP_X_COUNT"] = "3" };
        Assert.Equal("10.0.0.1 curl/8 3", (await Server.SendAsync("GET", "/who", parameters: parameters)).Body);

        var minimal = new Dictionary<string, string> { ["REMOTE_ADDR"] = "10.0.0.1" };
        Assert.Equal("10.0.0.1 none 1", (await Server.SendAsync("GET", "/who", parameters: minimal)).Body);

        CgiResponse missing = await Server.SendAsync("GET", "/who");
        Assert.Equal(400, missing.Status);
        Assert.Equal("Required parameter 'address' is missing.\n", missing.Body);
    }
}
