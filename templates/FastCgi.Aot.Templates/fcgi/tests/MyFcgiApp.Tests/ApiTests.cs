using Xunit;

namespace MyFcgiApp.Tests;

/// <summary>The handlers are plain static methods: these tests call them directly (RequestTests sends them requests).</summary>
public sealed class ApiTests
{
    [Fact]
    public void HelloAnswersHelloWorld() => Assert.Equal("Hello, World!", Api.Hello());

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(-40, 2, -38)]
    public void AddAddsItsArguments(int a, int b, int sum) => Assert.Equal(sum, Api.Add(a, b));
}
