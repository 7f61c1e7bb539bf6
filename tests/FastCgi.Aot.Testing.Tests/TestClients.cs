using System;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>The two ways a test client reaches an application; most tests run in both.</summary>
public enum Mode
{
    /// <summary><see cref="FcgiTestClient.Create{TApplication}"/>.</summary>
    InMemory,

    /// <summary><see cref="FcgiTestClient.StartServer{TApplication}"/>: a real server on a Unix socket.</summary>
    Socket,
}

internal static class TestClients
{
    public static TheoryData<Mode> Modes => new() { Mode.InMemory, Mode.Socket };

    public static FcgiTestClient Create<TApplication>(Mode mode, FcgiTestClientOptions? options = null, Action<FcgiServerOptions>? configureServer = null)
        where TApplication : IFcgiApplication =>
        mode == Mode.InMemory
            ? FcgiTestClient.Create<TApplication>(options)
            : FcgiTestClient.StartServer<TApplication>(options, configureServer);
}
