namespace FastCgi.Aot.Testing.Tests;

/// <summary>The ways a test client reaches an application; most tests run in each.</summary>
public enum Mode
{
    /// <summary><see cref="FcgiTestClient.Create{TApplication}"/>.</summary>
    InMemory,
}

internal static class TestClients
{
    public static TheoryData<Mode> Modes => new() { Mode.InMemory };

    public static FcgiTestClient Create<TApplication>(Mode mode, FcgiTestClientOptions? options = null)
        where TApplication : IFcgiApplication => FcgiTestClient.Create<TApplication>(options);
}
