using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Notes;

/// <summary>
/// The SQLite database: notes, login sessions and uploaded files. Every call is synchronous and
/// may wait for the disk or for another writer, so only handlers marked <c>Blocking = true</c>
/// call it. A connection per call, from Microsoft.Data.Sqlite's pool.
/// </summary>
internal static class NotesDatabase
{
    /// <summary>The size of one stored chunk of an upload: large enough that a 48 MiB file is 768 rows, small enough that a chunk never leaves gen0's budget for long.</summary>
    public const int ChunkSize = 64 * 1024;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS notes (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (
            token_hash BLOB PRIMARY KEY,
            expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS files (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            length INTEGER NOT NULL,
            crc32 INTEGER NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS file_chunks (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            crc32 INTEGER NOT NULL,
            data BLOB NOT NULL,
            UNIQUE (file_id, seq));
        """;

    private static readonly object s_initializeLock = new();
    private static bool s_providerSet;
    private static string? s_connectionString;

    /// <summary>
    /// Opens (creating when missing) the database at <paramref name="path"/> for every later call,
    /// and creates its tables. Throws <see cref="SqliteException"/> when it cannot.
    /// </summary>
    public static void Open(string path)
    {
        Initialize();
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
        }.ToString();

        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            // WAL: readers (page views, downloads) do not wait for a writer (an upload), and the
            // setting stays with the file.
            Execute(connection, "PRAGMA journal_mode = WAL;" + Schema);
        }

        s_connectionString = connectionString;
    }

    /// <summary>Closes the pooled connections, so that the file can be deleted (tests).</summary>
    public static void Close()
    {
        s_connectionString = null;
        SqliteConnection.ClearAllPools();
    }

    public static long AddNote(string text, DateTimeOffset now)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT INTO notes (text, created_at) VALUES ($text, $at) RETURNING id";
        command.Parameters.AddWithValue("$text", text);
        command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
        return (long)command.ExecuteScalar()!;
    }

    public static List<Note> ListNotes()
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, text, created_at FROM notes ORDER BY id";
        using SqliteDataReader reader = command.ExecuteReader();
        var notes = new List<Note>();
        while (reader.Read())
        {
            notes.Add(ReadNote(reader));
        }

        return notes;
    }

    public static Note? GetNote(long id)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, text, created_at FROM notes WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadNote(reader) : null;
    }

    public static bool DeleteNote(long id) =>
        ExecuteWithId("DELETE FROM notes WHERE id = $id", id) > 0;

    /// <summary>Stores a session by the hash of its token, and drops the sessions that have expired.</summary>
    public static void AddSession(ReadOnlySpan<byte> tokenHash, DateTimeOffset expires, DateTimeOffset now)
    {
        using SqliteConnection connection = Connect();
        using SqliteTransaction transaction = connection.BeginTransaction();
        using (SqliteCommand purge = connection.CreateCommand())
        {
            purge.CommandText = "DELETE FROM sessions WHERE expires_at <= $now";
            purge.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
            purge.ExecuteNonQuery();
        }

        using (SqliteCommand insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO sessions (token_hash, expires_at) VALUES ($hash, $expires)";
            insert.Parameters.AddWithValue("$hash", tokenHash.ToArray());
            insert.Parameters.AddWithValue("$expires", expires.ToUnixTimeSeconds());
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public static bool HasSession(ReadOnlySpan<byte> tokenHash, DateTimeOffset now)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sessions WHERE token_hash = $hash AND expires_at > $now";
        command.Parameters.AddWithValue("$hash", tokenHash.ToArray());
        command.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
        return command.ExecuteScalar() is not null;
    }

    public static void DeleteSession(ReadOnlySpan<byte> tokenHash)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sessions WHERE token_hash = $hash";
        command.Parameters.AddWithValue("$hash", tokenHash.ToArray());
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Stores <paramref name="content"/> as rows of <see cref="ChunkSize"/> bytes, each with its
    /// CRC-32, in one transaction: a file is there whole or not at all. One chunk is in memory at
    /// a time, however large the file.
    /// </summary>
    public static StoredFile SaveFile(string name, string contentType, Stream content, DateTimeOffset now)
    {
        using SqliteConnection connection = Connect();
        using SqliteTransaction transaction = connection.BeginTransaction();
        long id;
        using (SqliteCommand insert = connection.CreateCommand())
        {
            // Length and CRC are known at the end; the row is updated then.
            insert.CommandText = "INSERT INTO files (name, content_type, length, crc32, created_at) VALUES ($name, $type, 0, 0, $at) RETURNING id";
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$type", contentType);
            insert.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
            id = (long)insert.ExecuteScalar()!;
        }

        long length = 0;
        uint crc = 0;
        using (SqliteCommand chunk = connection.CreateCommand())
        {
            chunk.CommandText = "INSERT INTO file_chunks (file_id, seq, crc32, data) VALUES ($id, $seq, $crc, $data)";
            chunk.Parameters.AddWithValue("$id", id);
            SqliteParameter seq = chunk.Parameters.Add("$seq", SqliteType.Integer);
            SqliteParameter chunkCrc = chunk.Parameters.Add("$crc", SqliteType.Integer);
            SqliteParameter data = chunk.Parameters.Add("$data", SqliteType.Blob);
            chunk.Prepare();

            var buffer = new byte[ChunkSize];
            for (int index = 0; ; index++)
            {
                int filled = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (filled == 0)
                {
                    break;
                }

                ReadOnlySpan<byte> bytes = buffer.AsSpan(0, filled);
                seq.Value = index;
                chunkCrc.Value = (long)Crc32.Compute(bytes);
                // The provider binds a byte[] whole, so the last, shorter chunk gets its own array.
                data.Value = filled == buffer.Length ? buffer : bytes.ToArray();
                chunk.ExecuteNonQuery();
                crc = Crc32.Append(crc, bytes);
                length += filled;
            }
        }

        using (SqliteCommand update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE files SET length = $length, crc32 = $crc WHERE id = $id";
            update.Parameters.AddWithValue("$length", length);
            update.Parameters.AddWithValue("$crc", (long)crc);
            update.Parameters.AddWithValue("$id", id);
            update.ExecuteNonQuery();
        }

        transaction.Commit();
        return new StoredFile(id, name, contentType, length, crc);
    }

    public static StoredFile? GetFile(long id)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, content_type, length, crc32 FROM files WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read()
            ? ReadFile(reader)
            : null;
    }

    public static List<StoredFile> ListFiles()
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, content_type, length, crc32 FROM files ORDER BY id";
        using SqliteDataReader reader = command.ExecuteReader();
        var files = new List<StoredFile>();
        while (reader.Read())
        {
            files.Add(ReadFile(reader));
        }

        return files;
    }

    /// <summary>The chunks of file <paramref name="id"/> in order, read one row at a time.</summary>
    public static FileChunkReader ReadChunks(long id)
    {
        SqliteConnection connection = Connect();
        try
        {
            return new FileChunkReader(connection, id);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal static SqliteConnection Connect()
    {
        var connection = new SqliteConnection(s_connectionString ?? throw new InvalidOperationException("NotesDatabase.Open has not been called."));
        connection.Open();
        return connection;
    }

    private static int ExecuteWithId(string sql, long id)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static Note ReadNote(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));

    /// <summary>A row of <c>SELECT id, name, content_type, length, crc32 FROM files</c>.</summary>
    private static StoredFile ReadFile(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), (uint)reader.GetInt64(4));

    /// <summary>
    /// Points SQLitePCLRaw at the library named "sqlite3", once. Microsoft.Data.Sqlite.Core
    /// brings no native SQLite and no bundle, so nothing else sets a provider.
    /// </summary>
    private static void Initialize()
    {
        lock (s_initializeLock)
        {
            if (s_providerSet)
            {
                return;
            }

            // Published, the calls into "sqlite3" are direct calls into the static library linked
            // in (DirectPInvoke in Notes.csproj). Under the JIT they go through the loader, which
            // tries libsqlite3.so, a symbolic link only libsqlite3-dev installs; the library
            // itself is libsqlite3.so.0, from libsqlite3-0, which every Debian system has.
            if (RuntimeFeature.IsDynamicCodeSupported)
            {
                NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_sqlite3).Assembly, static (name, assembly, searchPath) =>
                    name == "sqlite3" && NativeLibrary.TryLoad("libsqlite3.so.0", assembly, searchPath, out IntPtr handle) ? handle : IntPtr.Zero);
            }

            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());
            s_providerSet = true;
        }
    }
}
