using System;
using System.IO;

namespace FastCgi.Aot.Hosting;

/// <summary>Reads the process's resident memory, for the status page and the soak tests.</summary>
internal static class FcgiProcessMemory
{
    /// <summary>
    /// The resident set size in bytes: VmRSS from <c>/proc/self/status</c> on Linux (what
    /// <c>top</c> and <c>ps</c> show), else <see cref="Environment.WorkingSet"/>.
    /// </summary>
    public static long ReadResidentBytes()
    {
        try
        {
            // ReadAllBytes reads through a file handle (to the end: /proc files report no size),
            // not a FileStream, which would link the stream classes into every executable.
            foreach (string line in System.Text.Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/status")).Split('\n'))
            {
                // "VmRSS:	   12345 kB"
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    ReadOnlySpan<char> value = line.AsSpan(6).Trim();
                    int space = value.IndexOf(' ');
                    if (space > 0 && long.TryParse(value.Slice(0, space), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long kib))
                    {
                        return kib * 1024;
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Environment.WorkingSet;
    }
}
