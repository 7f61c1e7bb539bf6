using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// What a published executable is, read from its ELF headers (the System V gABI): the machine it
/// runs on, whether it is statically linked (no PT_INTERP program header naming a dynamic loader,
/// no PT_DYNAMIC), and whether its symbol table was stripped (no .symtab section).
/// Only 64-bit little-endian files, which is what linux-x64 and linux-arm64 are.
/// </summary>
internal sealed record ElfFile(ushort Machine, bool HasInterpreter, bool IsDynamic, bool HasSymbolTable, long Size)
{
    public const ushort MachineX64 = 62;
    public const ushort MachineArm64 = 183;

    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;

    /// <summary>Statically linked: nothing to load at start, so it runs in an empty root.</summary>
    public bool IsStatic => !HasInterpreter && !IsDynamic;

    public static ElfFile Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        ReadOnlySpan<byte> bytes = file;

        // e_ident: 7F 'E' 'L' 'F', EI_CLASS 2 (64-bit), EI_DATA 1 (little-endian).
        if (bytes.Length < 64 || !bytes[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']) || bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        }

        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]);
        ulong programHeaders = BinaryPrimitives.ReadUInt64LittleEndian(bytes[32..]);
        ulong sectionHeaders = BinaryPrimitives.ReadUInt64LittleEndian(bytes[40..]);
        ushort programHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes[54..]);
        ushort programHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes[56..]);
        ushort sectionHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes[58..]);
        ushort sectionHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes[60..]);
        ushort sectionNamesIndex = BinaryPrimitives.ReadUInt16LittleEndian(bytes[62..]);

        bool interpreter = false;
        bool dynamic = false;
        for (int i = 0; i < programHeaderCount; i++)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(bytes[checked((int)programHeaders + (i * programHeaderSize))..]);
            interpreter |= type == PtInterp;
            dynamic |= type == PtDynamic;
        }

        // Section headers: sh_name (4 bytes) first, sh_offset at 24; names live in the section e_shstrndx names.
        bool symbolTable = false;
        if (sectionHeaderCount > 0)
        {
            int namesHeader = checked((int)sectionHeaders + (sectionNamesIndex * sectionHeaderSize));
            int namesOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes[(namesHeader + 24)..]));
            for (int i = 0; i < sectionHeaderCount; i++)
            {
                int header = checked((int)sectionHeaders + (i * sectionHeaderSize));
                int name = namesOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[header..]);
                int end = bytes[name..].IndexOf((byte)0);
                symbolTable |= Encoding.ASCII.GetString(bytes.Slice(name, end)) == ".symtab";
            }
        }

        return new ElfFile(machine, interpreter, dynamic, symbolTable, file.Length);
    }
}
