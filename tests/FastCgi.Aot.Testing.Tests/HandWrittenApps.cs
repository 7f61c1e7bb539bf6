using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>An application that plays the Responder role only, as one with routes and no role handlers.</summary>
internal sealed class ResponderOnlyApp : IFcgiApplication
{
    public static bool AcceptsRole(FcgiRole role) => role == FcgiRole.Responder;

    public static ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        response.Write("responded");
        return default;
    }
}

/// <summary>
/// An application with endpoints (one with its own body limit) and an after hook that records
/// every request's summary, as the generator will emit them for [FcgiRoute(MaxBodyBytes = …)] and
/// an after hook.
/// </summary>
internal sealed class HookedApp : IFcgiApplication
{
    private static readonly FcgiEndpoint s_ok = new(0, "GET /ok");
    private static readonly FcgiEndpoint s_small = new(1, "POST /small", maxBodyBytes: 16);
    private static readonly FcgiEndpoint s_boom = new(2, "GET /boom");

    public static ConcurrentQueue<(string Path, FcgiRequestSummary Summary)> Completed { get; } = new();

    public static SemaphoreSlim CompletedSignal { get; } = new(0);

    public static bool ObservesCompletedRequests => true;

    public static FcgiEndpoint? Match(FcgiRequest request) => request.GetPathString() switch
    {
        "/ok" => s_ok,
        "/small" => s_small,
        "/boom" => s_boom,
        _ => FcgiEndpoint.NotFound,
    };

    public static ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        switch ((request.Endpoint ?? Match(request))!.Id)
        {
            case 0:
                response.Write("ok");
                return default;
            case 1:
                response.Write(request.Body.Length);
                return default;
            case 2:
                throw new InvalidOperationException("boom");
            default:
                return FcgiBinding.WriteNotFound(response);
        }
    }

    public static void OnRequestCompleted(FcgiRequest request, in FcgiRequestSummary summary)
    {
        Completed.Enqueue((request.GetPathString(), summary));
        CompletedSignal.Release();
    }

    /// <summary>The next summary the hook recorded; over a socket it may come just after the answer.</summary>
    public static async Task<(string Path, FcgiRequestSummary Summary)> NextCompletedAsync()
    {
        Assert.True(await CompletedSignal.WaitAsync(TimeSpan.FromSeconds(10)), "the after hook did not run");
        Assert.True(Completed.TryDequeue(out (string Path, FcgiRequestSummary Summary) completed));
        return completed;
    }
}

/// <summary>Answers with a <c>Set-Cookie</c> header for each <c>c</c> query value, as given, so tests can send any cookie the jar must handle.</summary>
internal sealed class SetCookieApp : IFcgiApplication
{
    public static ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        foreach (ReadOnlySpan<byte> value in FcgiBinding.EnumerateFormValues(request.QueryString, "c"u8))
        {
            response.AddHeader("Set-Cookie", FcgiBinding.GetString(value, FcgiValueEncoding.Query));
        }

        response.Write(request.GetParamString("HTTP_COOKIE") ?? "(none)");
        return default;
    }
}
