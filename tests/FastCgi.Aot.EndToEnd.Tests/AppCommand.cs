using System.Collections.Generic;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// How a test runs a published executable: directly, or under an emulator such as qemu-aarch64
/// for one built for linux-arm64 (<paramref name="Prefix"/> is the emulator's arguments before the
/// executable's own).
/// </summary>
internal sealed record AppCommand(string Name, string File, IReadOnlyList<string> Prefix)
{
    public static AppCommand Native(string name, string executable) => new(name, executable, []);

    public static AppCommand Emulated(string name, string emulator, string executable) => new(name, emulator, [executable]);

    public ChildProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        ChildProcess.Start(Name, File, [.. Prefix, .. arguments], environment);
}
