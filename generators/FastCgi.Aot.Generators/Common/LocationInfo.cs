using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FastCgi.Aot.Generators;

/// <summary>A source location as plain values, so that it can travel through the pipeline without a syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>
    /// The location in <paramref name="compilation"/>'s own syntax tree for the file when it has one,
    /// so that <c>#pragma warning disable</c> and <c>[SuppressMessage]</c> apply to the diagnostic
    /// (the compiler checks those only for a location in a tree); a file location otherwise.
    /// </summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath && TextSpan.End <= tree.Length)
            {
                return Location.Create(tree, TextSpan);
            }
        }

        return Location.Create(FilePath, TextSpan, LineSpan);
    }
}
