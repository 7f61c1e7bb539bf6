using System;
using System.Collections.Generic;
using System.Text;

namespace FastCgi.Aot.Tests.Http;

public class FormUrlEncodedTests
{
    [Fact]
    public void EnumerateFormValuesReturnsEveryValueOfARepeatedNameInOrder() =>
        Assert.Equal(["a", "b", ""], Values("tag=a&x=1&tag=b&tag=", "tag"));

    [Fact]
    public void EnumerateFormValuesComparesNamesAfterPercentDecodingAndPlus()
    {
        Assert.Equal(["a", "b"], Values("t%61g=a&tag=b&ta+g=c", "tag"));
        Assert.Equal(["c"], Values("t%61g=a&tag=b&ta+g=c", "ta g"));
    }

    [Fact]
    public void EnumerateFormValuesReturnsValuesStillEncoded() =>
        Assert.Equal(["a%20b", "c+d", "e=f"], Values("tag=a%20b&tag=c+d&tag=e=f", "tag"));

    [Fact]
    public void EnumerateFormValuesGivesAnEmptyValueForANameWithoutEquals() =>
        Assert.Equal(["", "x"], Values("tag&tag=x", "tag"));

    [Theory]
    [InlineData("", "tag")]
    [InlineData("tags=a&ta=b&Tag=c", "tag")]
    [InlineData("&&&", "tag")]
    public void EnumerateFormValuesReturnsNothingWhenTheNameIsAbsent(string form, string name) =>
        Assert.Empty(Values(form, name));

    [Fact]
    public void EnumerateFormValuesReadsAUrlEncodedBodyAsBrowsersSendIt()
    {
        // WHATWG URL §5.2 serializes a form as a query string: UTF-8, percent-encoded, space as '+'.
        byte[] body = "name=J%C3%BCrgen+M%C3%BCller&colors=red&colors=dark+green&note=a%26b%3Dc"u8.ToArray();
        var colors = new List<string>();
        foreach (ReadOnlySpan<byte> value in FcgiBinding.EnumerateFormValues(body, "colors"u8))
        {
            colors.Add(FcgiBinding.GetString(value, FcgiValueEncoding.Query));
        }

        Assert.True(FcgiBinding.TryGetQueryValue(body, "name"u8, out ReadOnlySpan<byte> name));
        Assert.Equal("Jürgen Müller", FcgiBinding.GetString(name, FcgiValueEncoding.Query));
        Assert.Equal(["red", "dark green"], colors);
        Assert.Equal(["a%26b%3Dc"], Values(Encoding.UTF8.GetString(body), "note"));
    }

    [Fact]
    public void EnumerateFormFieldsSplitsAtTheFirstEqualsAndSkipsEmptyFields() =>
        Assert.Equal(["a=1", "b=", "=x", "c=d=e"], Fields("&&a=1&&b&=x&c=d=e&"));

    [Theory]
    [InlineData("", 0)]
    [InlineData("&", 0)]
    [InlineData("&&&", 0)]
    [InlineData("a", 1)]
    [InlineData("=", 1)]
    [InlineData("a=1&b=2&a=3", 3)]
    [InlineData("a=1&&b=2&", 2)]
    public void CountFormFieldsCountsTheNonEmptyFields(string form, int count)
    {
        Assert.Equal(count, FcgiBinding.CountFormFields(Encoding.UTF8.GetBytes(form)));
        Assert.Equal(count, Fields(form).Count);
    }

    private static List<string> Values(string form, string name)
    {
        var values = new List<string>();
        foreach (ReadOnlySpan<byte> value in FcgiBinding.EnumerateFormValues(Encoding.UTF8.GetBytes(form), Encoding.UTF8.GetBytes(name)))
        {
            values.Add(Encoding.UTF8.GetString(value));
        }

        return values;
    }

    /// <summary>Each field as <c>name=value</c>, encoded.</summary>
    private static List<string> Fields(string form)
    {
        var fields = new List<string>();
        foreach (FcgiFormField field in FcgiBinding.EnumerateFormFields(Encoding.UTF8.GetBytes(form)))
        {
            fields.Add(Encoding.UTF8.GetString(field.EncodedName) + "=" + Encoding.UTF8.GetString(field.EncodedValue));
        }

        return fields;
    }
}
