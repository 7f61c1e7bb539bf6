using System;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>Memory figures of this process, which hosts both the test server and its clients.</summary>
internal static class Memory
{
    public const long MiB = 1024 * 1024;

    /// <summary>The live managed heap after a full, compacting collection: what is still referenced.</summary>
    public static long LiveHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        // What that collection left, not affected by allocations of other threads since.
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }

    /// <summary>VmRSS from /proc/self/status.</summary>
    public static long Resident() => FcgiProcessMemory.ReadResidentBytes();

    public static string InMiB(long bytes) => $"{bytes / (double)MiB:0.0} MiB";
}
