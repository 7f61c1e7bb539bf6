using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace FastCgi.Aot.Hosting;

/// <summary>Gives a file a group: <c>--socket-group</c>, so that the web server's group, and no one else, may connect.</summary>
/// <remarks>
/// .NET has no managed API that changes a file's group, so this calls chown(2) itself. Names are
/// looked up in /etc/group by reading the file, not through getgrnam(3): a static executable
/// cannot load the NSS modules getgrnam needs, and an image built FROM scratch may have no
/// /etc/group at all, where a numeric id still works.
/// </remarks>
internal static partial class UnixGroups
{
    /// <summary>Resolves a group name or a numeric id to a group id.</summary>
    /// <exception cref="FcgiStartupException">The group is neither a number nor in /etc/group.</exception>
    public static uint Resolve(string group, string groupFile = "/etc/group")
    {
        if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
        {
            return id;
        }

        if (File.Exists(groupFile))
        {
            // ReadAllBytes reads through a file handle, not a FileStream, which would link the
            // stream classes into every executable for this one read.
            foreach (string line in System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(groupFile)).Split('\n'))
            {
                // name:password:gid:members
                string[] fields = line.Split(':');
                if (fields.Length >= 3 && fields[0] == group &&
                    uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out id))
                {
                    return id;
                }
            }
        }

        throw new FcgiStartupException($"group '{group}' is not in {groupFile}; give its numeric id instead");
    }

    /// <summary>Changes the group of <paramref name="path"/>, leaving its owner.</summary>
    /// <exception cref="FcgiStartupException">chown(2) failed, for example because the process is not in that group.</exception>
    public static void SetGroup(string path, uint groupId)
    {
        if (Chown(path, uint.MaxValue, groupId) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new FcgiStartupException(
                $"cannot give unix:{path} group {groupId}: {Marshal.GetPInvokeErrorMessage(errno)} (the process must own the file and be a member of the group, or be root)");
        }
    }

    // owner (uid_t)-1 leaves the owner as it is. The FastCgi.Aot build targets link libc's chown
    // directly into a NativeAOT executable (DirectPInvoke), so a static executable needs no libc.so.
    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);
}
