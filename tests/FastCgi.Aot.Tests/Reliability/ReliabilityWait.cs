using System;
using System.Threading;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>Waits for a condition the server reaches on its own (a counter back to 0), failing after a generous deadline.</summary>
internal static class ReliabilityWait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static void Until(Func<bool> condition, string what)
    {
        long end = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < end, $"waited {Deadline.TotalSeconds} s for {what}");
            Thread.Sleep(10);
        }
    }
}
