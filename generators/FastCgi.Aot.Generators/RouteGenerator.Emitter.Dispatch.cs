using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FastCgi.Aot.Generators.Model;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>
        /// Writes <c>MatchRoute</c>: split the path once, switch on its segment count, try each shape's
        /// literals in order of specificity, then its methods; record the chosen route's values; answer a
        /// path that exists without the method with the static 405 endpoint of the methods that path allows.
        /// </summary>
        private void EmitMatchRoute(DispatchPlan plan)
        {
            SourceWriter writer = _writer;
            writer.WriteLine("/// <summary>Finds the route of a Responder request by its path's segments and its method, and records its route values.</summary>");
            writer.WriteLine($"private static {Endpoint} MatchRoute({Request} request)");
            writer.OpenBlock();
            writer.WriteLine($"{Span} path = request.Path;");
            writer.WriteLine($"{Span} method = request.Method;");
            writer.WriteLine($"global::System.Span<global::System.Range> segments = stackalloc global::System.Range[{plan.MaxSegments}];");
            writer.WriteLine($"int count = {Binding}.SplitPath(path, segments);");
            if (plan.TracksAllow)
            {
                writer.WriteLine("// The methods, one bit each, of the routes that matched the path but not the method.");
                writer.WriteLine("ulong allow = 0;");
            }

            List<ShapeGroup> fixedLength = plan.Order.Where(static g => !g.IsCatchAll).ToList();
            if (fixedLength.Count != 0)
            {
                writer.WriteLine("switch (count)");
                writer.OpenBlock();
                foreach (IGrouping<int, ShapeGroup> byCount in fixedLength.GroupBy(static g => g.Segments.Count))
                {
                    writer.WriteLine($"case {byCount.Key}:");
                    writer.OpenBlock();
                    foreach (ShapeGroup group in byCount)
                    {
                        EmitShapeGroup(plan, group);
                    }

                    writer.WriteLine("break;");
                    writer.CloseBlock();
                }

                writer.CloseBlock();
                writer.WriteLine();
            }

            foreach (ShapeGroup group in plan.Order.Where(static g => g.IsCatchAll))
            {
                EmitShapeGroup(plan, group);
            }

            writer.WriteLine(plan.TracksAllow ? $"return allow == 0 ? {Endpoint}.NotFound : MethodNotAllowed(allow);" : $"return {Endpoint}.NotFound;");
            writer.CloseBlock();

            if (plan.Order.Any(static g => g.Earlier || g.Later))
            {
                EmitMethodNotAllowed(plan);
            }
        }

        private void EmitShapeGroup(DispatchPlan plan, ShapeGroup group)
        {
            SourceWriter writer = _writer;
            IReadOnlyList<SegmentModel> segments = group.Segments;
            var conditions = new List<string>();
            if (group.IsCatchAll)
            {
                conditions.Add($"count >= {segments.Count - 1}");
            }

            // Where each route value lies in the path: a segment, or for a catch-all the rest of the path.
            var values = new List<string>();
            for (int i = 0; i < segments.Count; i++)
            {
                SegmentModel segment = segments[i];
                switch (segment.Kind)
                {
                    case SegmentKind.Literal:
                        conditions.Add(segment.Value.Length == 0
                            ? $"path[segments[{i}]].IsEmpty"
                            : $"{SequenceEqual}(path[segments[{i}]], {Utf8Literal(segment.Value)})");
                        break;
                    case SegmentKind.Parameter:
                        conditions.Add($"!path[segments[{i}]].IsEmpty");
                        values.Add($"segments[{i}]");
                        break;
                    case SegmentKind.CatchAll:
                        values.Add($"count > {i} ? new global::System.Range(segments[{i}].Start, global::System.Index.End) : new global::System.Range(global::System.Index.End, global::System.Index.End)");
                        break;
                }
            }

            writer.WriteLine($"// {group.Shape}");
            writer.WriteLine($"if ({string.Join(" && ", conditions)})");
            writer.OpenBlock();
            foreach ((EndpointModel route, int id) in group.Routes)
            {
                string test = route.HttpMethod == "GET" && !group.HasHead
                    ? $"{Binding}.IsGetOrHead(method)"
                    : $"{SequenceEqual}(method, {Utf8Literal(route.HttpMethod)})";
                writer.WriteLine($"if ({test})");
                writer.OpenBlock();
                for (int i = 0; i < values.Count; i++)
                {
                    writer.WriteLine($"{Binding}.SetRouteValue(request, {i}, {values[i]});");
                }

                writer.WriteLine($"return s_endpoint{id};");
                writer.CloseBlock();
                writer.WriteLine();
            }

            string mask = Mask(group.Mask);
            if (group.Later)
            {
                writer.WriteLine("// A less specific route may take the method.");
                writer.WriteLine($"allow |= {mask};");
            }
            else if (group.Earlier)
            {
                writer.WriteLine($"return MethodNotAllowed(allow | {mask});");
            }
            else
            {
                writer.WriteLine($"return s_allow{plan.AllowIndex(group.Mask)};");
            }

            writer.CloseBlock();
            writer.WriteLine();
        }

        /// <summary>
        /// Writes <c>MethodNotAllowed(allow)</c>, which maps the methods of the routes that matched a
        /// path to the static 405 endpoint listing them; every set of routes some path matches at once
        /// was found at compile time, so the switch has an arm for each.
        /// </summary>
        private void EmitMethodNotAllowed(DispatchPlan plan)
        {
            SourceWriter writer = _writer;
            writer.WriteLine();
            writer.WriteLine("/// <summary>The 405 endpoint whose Allow lists the methods of <paramref name=\"allow\"/>, one bit each in the order of <see cref=\"s_methods\"/>.</summary>");
            writer.WriteLine($"private static {Endpoint} MethodNotAllowed(ulong allow) => allow switch");
            writer.OpenBlock();
            for (int i = 0; i < plan.AllowLists.Count; i++)
            {
                writer.WriteLine($"{Mask(plan.AllowLists[i].Mask)} => s_allow{i},");
            }

            writer.WriteLine(plan.Complete
                ? "// Unreachable: no path matches another set of routes; built here rather than trusted."
                : $"// A set of routes the generator stopped enumerating after {DispatchPlan.MaxRouteSets} (see its source): built per request.");
            writer.WriteLine("_ => AllowedMethods(allow),");
            writer.CloseBlock(";");
            writer.WriteLine();
            writer.WriteLine($"private static readonly string[] s_methods = {{ {string.Join(", ", plan.Methods.Select(Literal))} }};");
            writer.WriteLine();
            writer.WriteLine($"private static {Endpoint} AllowedMethods(ulong allow)");
            writer.OpenBlock();
            writer.WriteLine("var methods = new global::System.Collections.Generic.List<string>();");
            writer.WriteLine("for (int i = 0; i < s_methods.Length; i++)");
            writer.OpenBlock();
            writer.WriteLine("if ((allow & (1UL << global::System.Math.Min(i, 63))) != 0)");
            writer.OpenBlock();
            writer.WriteLine("methods.Add(s_methods[i]);");
            writer.CloseBlock();
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"return {Endpoint}.MethodNotAllowed(string.Join(\", \", methods));");
            writer.CloseBlock();
        }

        private static string Mask(ulong mask) => "0x" + mask.ToString("X", CultureInfo.InvariantCulture) + "UL";

        /// <summary>The routes of one shape (one template with its names dropped), which match the same paths.</summary>
        private sealed class ShapeGroup
        {
            public ShapeGroup(List<(EndpointModel Route, int Id)> routes)
            {
                HasHead = routes.Any(static r => r.Route.HttpMethod == "HEAD");

                // HEAD first: an explicit HEAD route takes HEAD before a GET route of the shape would.
                Routes = routes.OrderBy(static r => r.Route.HttpMethod == "HEAD" ? 0 : 1).ThenBy(static r => r.Route.HttpMethod, StringComparer.Ordinal).ToList();
                Segments = routes[0].Route.Segments;
                Shape = routes[0].Route.Shape;
                IsCatchAll = Segments[Segments.Count - 1].Kind == SegmentKind.CatchAll;
                var allow = new List<string>();
                foreach ((EndpointModel route, int _) in Routes)
                {
                    allow.Add(route.HttpMethod);
                    if (route.HttpMethod == "GET" && !HasHead)
                    {
                        allow.Add("HEAD");
                    }
                }

                Allow = allow;
            }

            public List<(EndpointModel Route, int Id)> Routes { get; }

            public IReadOnlyList<SegmentModel> Segments { get; }

            public string Shape { get; }

            public bool IsCatchAll { get; }

            /// <summary>True when a GET route of the shape does not answer HEAD, because a HEAD route does.</summary>
            public bool HasHead { get; }

            /// <summary>The methods the shape's routes answer: its part of a 405's Allow.</summary>
            public List<string> Allow { get; }

            /// <summary>Those methods as bits (<see cref="DispatchPlan.Methods"/>).</summary>
            public ulong Mask { get; set; }

            /// <summary>True when a shape tried before this one matches some path this one matches.</summary>
            public bool Earlier { get; set; }

            /// <summary>True when a shape tried after this one matches some path this one matches: a method this one lacks falls through to it.</summary>
            public bool Later { get; set; }
        }

        /// <summary>
        /// The order the dispatcher tries the shapes in, which shapes share paths, and the 405 endpoints:
        /// decided before anything is written, so that the endpoints can be declared first.
        /// </summary>
        private sealed class DispatchPlan
        {
            /// <summary>
            /// How many sets of shapes matching one path the plan enumerates before giving up; past it the
            /// remaining Allow lists are built when asked. Real tables have a few dozen; only hundreds of
            /// mutually overlapping parameter routes reach it.
            /// </summary>
            public const int MaxRouteSets = 4096;

            private DispatchPlan(List<ShapeGroup> order, List<string> methods)
            {
                Order = order;
                Methods = methods;
                MaxSegments = order.Max(static g => g.Segments.Count);
            }

            /// <summary>The shapes in the order tried: fixed lengths by count and specificity, then catch-alls, longest first.</summary>
            public List<ShapeGroup> Order { get; }

            /// <summary>Every method of a route, sorted: a method's bit is its index, the 64th and later sharing the last bit.</summary>
            public List<string> Methods { get; }

            public int MaxSegments { get; }

            /// <summary>The distinct Allow lists a 405 can carry, as their bits and text; <c>s_allow{i}</c> is the i-th.</summary>
            public List<(ulong Mask, string Text)> AllowLists { get; } = new();

            /// <summary>False when the enumeration stopped at <see cref="MaxRouteSets"/>.</summary>
            public bool Complete { get; private set; } = true;

            /// <summary>True when some shape lets a method it lacks fall through, so the dispatcher collects Allow bits.</summary>
            public bool TracksAllow => Order.Any(static g => g.Later);

            public static DispatchPlan Create(IReadOnlyList<EndpointModel> routes)
            {
                var byShape = new List<List<(EndpointModel Route, int Id)>>();
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int id = 0; id < routes.Count; id++)
                {
                    if (!index.TryGetValue(routes[id].Shape, out int i))
                    {
                        i = byShape.Count;
                        index.Add(routes[id].Shape, i);
                        byShape.Add(new List<(EndpointModel, int)>());
                    }

                    byShape[i].Add((routes[id], id));
                }

                List<ShapeGroup> groups = byShape.Select(static g => new ShapeGroup(g)).ToList();
                groups.Sort(static (x, y) => CompareSpecificity(x.Segments, y.Segments));
                List<ShapeGroup> order = groups.Where(static g => !g.IsCatchAll).OrderBy(static g => g.Segments.Count)
                    .Concat(groups.Where(static g => g.IsCatchAll))
                    .ToList();

                List<string> methods = order.SelectMany(static g => g.Allow).Distinct().OrderBy(static m => m, StringComparer.Ordinal).ToList();
                var plan = new DispatchPlan(order, methods);
                foreach (ShapeGroup group in order)
                {
                    group.Mask = group.Allow.Aggregate(0UL, (mask, method) => mask | plan.Bit(method));
                }

                // A shape that matches a path but not the method falls through to the less specific
                // shapes that may match the same path; 405 only when none takes the method, listing the
                // methods of every shape that matched. A shape that shares no path answers 405 at once.
                var patterns = order.Select(static g => Pattern.Of(g.Segments)).ToList();
                for (int i = 0; i < order.Count; i++)
                {
                    for (int j = 0; j < order.Count; j++)
                    {
                        if (j != i && patterns[i].Intersect(patterns[j]) is not null)
                        {
                            order[i].Earlier |= j < i;
                            order[i].Later |= j > i;
                        }
                    }
                }

                // Every set of shapes some path matches at once, each once, by extending a set with a
                // later shape while the paths they share are not empty: their methods are a 405's Allow.
                // Each shape's own list first, so that it has a static endpoint whatever the limit cuts.
                foreach (ShapeGroup group in order)
                {
                    plan.AllowIndex(group.Mask);
                }

                int visited = 0;
                plan.Visit(patterns, 0, Pattern.Any, 0, ref visited);
                return plan;
            }

            public int AllowIndex(ulong mask)
            {
                for (int i = 0; i < AllowLists.Count; i++)
                {
                    if (AllowLists[i].Mask == mask)
                    {
                        return i;
                    }
                }

                AllowLists.Add((mask, string.Join(", ", Methods.Where(m => (mask & Bit(m)) != 0))));
                return AllowLists.Count - 1;
            }

            /// <summary>
            /// A method's bit. Past 63 methods (the IANA registry has fewer than 40) the rest share the last
            /// bit, and an Allow naming one of them names them all: an over-long list, never a short one.
            /// </summary>
            private ulong Bit(string method) => 1UL << Math.Min(Methods.IndexOf(method), 63);

            private void Visit(List<Pattern> patterns, int start, Pattern shared, ulong mask, ref int visited)
            {
                for (int j = start; j < patterns.Count; j++)
                {
                    Pattern? both = shared.Intersect(patterns[j]);
                    if (both is null)
                    {
                        continue;
                    }

                    if (++visited > MaxRouteSets)
                    {
                        Complete = false;
                        return;
                    }

                    ulong union = mask | Order[j].Mask;
                    AllowIndex(union);
                    Visit(patterns, j + 1, both, union, ref visited);
                }
            }

            /// <summary>Literal segments before parameters, position by position; catch-alls last, longest first.</summary>
            private static int CompareSpecificity(IReadOnlyList<SegmentModel> x, IReadOnlyList<SegmentModel> y)
            {
                bool xCatchAll = x[x.Count - 1].Kind == SegmentKind.CatchAll;
                bool yCatchAll = y[y.Count - 1].Kind == SegmentKind.CatchAll;
                if (xCatchAll != yCatchAll)
                {
                    return xCatchAll ? 1 : -1;
                }

                if (x.Count != y.Count)
                {
                    return xCatchAll ? y.Count.CompareTo(x.Count) : x.Count.CompareTo(y.Count);
                }

                for (int i = 0; i < x.Count; i++)
                {
                    int c = x[i].Kind.CompareTo(y[i].Kind);
                    c = c != 0 ? c : string.CompareOrdinal(x[i].Value, y[i].Value);
                    if (c != 0)
                    {
                        return c;
                    }
                }

                return 0;
            }
        }

        /// <summary>
        /// A set of paths, as a template describes one: segments that are a literal or any non-empty
        /// text, and, when open, any number of further segments (a catch-all).
        /// </summary>
        private sealed class Pattern
        {
            private Pattern(List<SegmentModel> segments, bool open)
            {
                Segments = segments;
                Open = open;
            }

            /// <summary>Every path.</summary>
            public static Pattern Any { get; } = new(new List<SegmentModel>(), open: true);

            public List<SegmentModel> Segments { get; }

            public bool Open { get; }

            public static Pattern Of(IReadOnlyList<SegmentModel> template)
            {
                bool open = template[template.Count - 1].Kind == SegmentKind.CatchAll;
                return new Pattern(template.Take(open ? template.Count - 1 : template.Count).ToList(), open);
            }

            /// <summary>The paths both patterns match, or null when there are none.</summary>
            public Pattern? Intersect(Pattern other)
            {
                if ((!Open && !other.Open && Segments.Count != other.Segments.Count) ||
                    (Open && !other.Open && other.Segments.Count < Segments.Count) ||
                    (other.Open && !Open && Segments.Count < other.Segments.Count))
                {
                    return null;
                }

                int length = Math.Max(Segments.Count, other.Segments.Count);
                var segments = new List<SegmentModel>(length);
                for (int i = 0; i < length; i++)
                {
                    SegmentModel? both = i >= Segments.Count ? other.Segments[i]
                        : i >= other.Segments.Count ? Segments[i]
                        : IntersectSegments(Segments[i], other.Segments[i]);
                    if (both is null)
                    {
                        return null;
                    }

                    segments.Add(both);
                }

                return new Pattern(segments, Open && other.Open);
            }

            /// <summary>A literal matches itself; a parameter any non-empty segment.</summary>
            private static SegmentModel? IntersectSegments(SegmentModel x, SegmentModel y) => (x.Kind, y.Kind) switch
            {
                (SegmentKind.Literal, SegmentKind.Literal) => string.Equals(x.Value, y.Value, StringComparison.Ordinal) ? x : null,
                (SegmentKind.Literal, _) => x.Value.Length != 0 ? x : null,
                (_, SegmentKind.Literal) => y.Value.Length != 0 ? y : null,
                _ => x,
            };
        }
    }
}
