using System.Text;

namespace FastCgi.Aot.Tests.Binding;

/// <summary>What each binding source decodes: route segments and the rest of a path, query values, CGI parameters.</summary>
public sealed class DecodeTests
{
    [Theory]
    [InlineData("a%20b", FcgiValueEncoding.Path, "a b")]
    [InlineData("a+b", FcgiValueEncoding.Path, "a+b")]
    [InlineData("a%2Fb", FcgiValueEncoding.Path, "a/b")]
    [InlineData("a+b%20c", FcgiValueEncoding.Query, "a b c")]
    [InlineData("a%2Fb", FcgiValueEncoding.Query, "a/b")]
    [InlineData("a%2Fb/c%20d", FcgiValueEncoding.PathRest, "a%2Fb/c d")]
    [InlineData("a%2fb", FcgiValueEncoding.PathRest, "a%2fb")]
    [InlineData("a%20b", FcgiValueEncoding.None, "a%20b")]
    [InlineData("100%", FcgiValueEncoding.Path, "100%")]
    [InlineData("%zz", FcgiValueEncoding.Query, "%zz")]
    public void DecodesWhatItsSourceEncodes(string raw, FcgiValueEncoding encoding, string expected)
    {
        Assert.Equal(expected, FcgiBinding.GetString(Encoding.UTF8.GetBytes(raw), encoding));
    }
}
