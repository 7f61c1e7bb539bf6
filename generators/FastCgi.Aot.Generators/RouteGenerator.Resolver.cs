using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using FastCgi.Aot.Generators.Model;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    /// <summary>
    /// Looks at every parsed handler at once and decides, in one pass, what is dispatched and what is
    /// reported: duplicate routes, a second handler for a role, JSON types without type info. The
    /// dispatch table and the diagnostics come from the same decisions, so they cannot disagree.
    /// </summary>
    internal static class Resolver
    {
        /// <summary>The order routes are dispatched and deduplicated in; it must not depend on file order.</summary>
        private static readonly IComparer<(string Method, string Shape, string DisplayName, string Template)> s_routeOrder =
            Comparer<(string Method, string Shape, string DisplayName, string Template)>.Create(static (x, y) =>
            {
                int c = string.CompareOrdinal(x.Shape, y.Shape);
                c = c != 0 ? c : string.CompareOrdinal(x.Method, y.Method);
                c = c != 0 ? c : string.CompareOrdinal(x.DisplayName, y.DisplayName);
                return c != 0 ? c : string.CompareOrdinal(x.Template, y.Template);
            });

        public static Resolution Resolve(
            ImmutableArray<HandlerModel> handlers,
            ImmutableArray<ImmutableEquatableArray<DiagnosticInfo>> routeGroups,
            ImmutableArray<HookSite?> beforeHooks,
            ImmutableArray<HookSite?> afterHooks,
            JsonContextModel json,
            bool canRegister)
        {
            var diagnostics = new List<DiagnosticInfo>();
            foreach (ImmutableEquatableArray<DiagnosticInfo> group in routeGroups)
            {
                diagnostics.AddRange(group);
            }

            // Before hooks: one per scope (the assembly, or a group), the first by signature. A scope
            // with a hook in error guards routes that must not run unguarded: they are left out.
            var hooks = new List<HookModel>();
            var hookOfScope = new Dictionary<string, int>(StringComparer.Ordinal);
            var brokenScopes = new HashSet<string>(StringComparer.Ordinal);
            var firstOfScope = new Dictionary<string, HookSite>(StringComparer.Ordinal);
            foreach (HookSite site in beforeHooks.OfType<HookSite>().OrderBy(static h => h.Scope.Length != 0).ThenBy(static h => h.Signature, StringComparer.Ordinal))
            {
                diagnostics.AddRange(site.Diagnostics);
                if (firstOfScope.TryGetValue(site.Scope, out HookSite? chosen))
                {
                    diagnostics.Add(new DiagnosticInfo(
                        DiagnosticDescriptors.DuplicateHook,
                        site.Location,
                        new[] { site.DisplayName, "[FcgiBefore]", site.ScopeName, chosen.DisplayName }.ToImmutableEquatableArray()));
                    continue;
                }

                firstOfScope.Add(site.Scope, site);
                if (site.Hook is null || !HasJsonTypeInfo(diagnostics, json, site.Hook.Method, site.Location))
                {
                    brokenScopes.Add(site.Scope);
                    continue;
                }

                hookOfScope.Add(site.Scope, hooks.Count);
                hooks.Add(site.Hook);
            }

            var routeSites = new List<EndpointSite>();
            var roleSites = new List<EndpointSite>();
            foreach (HandlerModel handler in handlers)
            {
                diagnostics.AddRange(handler.Diagnostics);
                foreach (EndpointSite site in handler.Endpoints)
                {
                    (site.Endpoint.Role == HandlerRole.Responder ? routeSites : roleSites).Add(site);
                }
            }

            // Routes: the first of a method and shape is dispatched, the others are duplicates.
            var routes = new List<EndpointModel>();
            var first = new Dictionary<(string, string), EndpointSite>();
            foreach (EndpointSite site in routeSites.OrderBy(static s => (s.Endpoint.HttpMethod, s.Endpoint.Shape, s.Endpoint.Handler.DisplayName, s.Endpoint.Template), s_routeOrder))
            {
                EndpointModel route = site.Endpoint;
                bool dispatched = true;
                if (first.TryGetValue((route.HttpMethod, route.Shape), out EndpointSite? existing))
                {
                    diagnostics.Add(new DiagnosticInfo(
                        DiagnosticDescriptors.DuplicateRoute,
                        site.Location,
                        new[] { route.Handler.DisplayName, route.HttpMethod, route.Template, existing.Endpoint.Handler.DisplayName }.ToImmutableEquatableArray()));
                    dispatched = false;
                }
                else
                {
                    first.Add((route.HttpMethod, route.Shape), site);
                }

                dispatched &= HasJsonTypeInfo(diagnostics, json, route.Handler, site.Location);

                // The assembly's hook first, then each group's from the outermost.
                var chain = new List<int>();
                foreach (string scope in new[] { string.Empty }.Concat(route.Groups))
                {
                    dispatched &= !brokenScopes.Contains(scope);
                    if (hookOfScope.TryGetValue(scope, out int hook))
                    {
                        chain.Add(hook);
                    }
                }

                dispatched &= ReadsFormOrBody(diagnostics, route, chain.Select(i => hooks[i]), site.Location);
                if (dispatched)
                {
                    routes.Add(route with { BeforeHooks = chain.ToImmutableEquatableArray() });
                }
            }

            // Roles: one handler each, the first by signature; the others are reported.
            EndpointModel? authorizer = null;
            EndpointModel? filter = null;
            var firstOfRole = new Dictionary<HandlerRole, EndpointSite>();
            foreach (EndpointSite site in roleSites.OrderBy(static s => s.Endpoint.Handler.Signature, StringComparer.Ordinal))
            {
                EndpointModel handler = site.Endpoint;
                bool chosen = true;
                if (firstOfRole.TryGetValue(handler.Role, out EndpointSite? existing))
                {
                    diagnostics.Add(new DiagnosticInfo(
                        DiagnosticDescriptors.DuplicateRoleHandler,
                        site.Location,
                        new[] { handler.Handler.DisplayName, Parser.AttributeName(handler.Role), existing.Endpoint.Handler.DisplayName, handler.Role.ToString() }.ToImmutableEquatableArray()));
                    chosen = false;
                }
                else
                {
                    firstOfRole.Add(handler.Role, site);
                }

                // The role's handler is the first by signature; if it lacks JSON info, the role has none.
                if (HasJsonTypeInfo(diagnostics, json, handler.Handler, site.Location) && chosen)
                {
                    if (handler.Role == HandlerRole.Authorizer)
                    {
                        authorizer = handler;
                    }
                    else
                    {
                        filter = handler;
                    }
                }
            }

            // The after hook: one per assembly, the first by signature.
            HookModel? afterHook = null;
            HookSite? firstAfter = null;
            foreach (HookSite site in afterHooks.OfType<HookSite>().OrderBy(static h => h.Signature, StringComparer.Ordinal))
            {
                diagnostics.AddRange(site.Diagnostics);
                if (firstAfter is not null)
                {
                    diagnostics.Add(new DiagnosticInfo(
                        DiagnosticDescriptors.DuplicateHook,
                        site.Location,
                        new[] { site.DisplayName, "[FcgiAfter]", site.ScopeName, firstAfter.DisplayName }.ToImmutableEquatableArray()));
                    continue;
                }

                firstAfter = site;
                afterHook = site.Hook;
            }

            var application = new ApplicationModel(routes.ToImmutableEquatableArray(), authorizer, filter, hooks.ToImmutableEquatableArray(), afterHook, json, canRegister);
            return new Resolution(application, diagnostics.ToImmutableEquatableArray());
        }

        /// <summary>
        /// Reports a route whose before hooks and handler together bind both the body (bytes, text, a
        /// stream, JSON) and its form (fields, files): the form of a multipart body is read as it
        /// arrives, after which there is no body to bind. The parser reports the pair within one method;
        /// this, a pair across a hook and the route, or two hooks. True when there is none.
        /// </summary>
        private static bool ReadsFormOrBody(List<DiagnosticInfo> diagnostics, EndpointModel route, IEnumerable<HookModel> hooks, LocationInfo? location)
        {
            // Each with the position of its method in the order they run: hooks first, then the route.
            (string Name, string Owner, int Position)? form = null;
            (string Name, string Owner, int Position)? body = null;
            int position = 0;
            foreach (MethodModel method in hooks.Select(static h => h.Method).Concat(new[] { route.Handler }))
            {
                string owner = ReferenceEquals(method, route.Handler) ? string.Empty : method.DisplayName;
                foreach (ParameterModel parameter in method.Parameters)
                {
                    if (parameter.Source is BindingSource.Form or BindingSource.File)
                    {
                        form ??= (parameter.Name, owner, position);
                    }
                    else if (parameter.Source == BindingSource.Body)
                    {
                        body ??= (parameter.Name, owner, position);
                    }
                }

                position++;
            }

            if (form is not { } f || body is not { } b || f.Position == b.Position)
            {
                return true;
            }

            (string Name, string Owner, int Position) first = f.Position < b.Position ? f : b;
            (string Name, string Owner, int Position) second = f.Position < b.Position ? b : f;
            diagnostics.Add(new DiagnosticInfo(
                DiagnosticDescriptors.MultipleBodyParameters,
                location,
                new[] { Named(first), Named(second), route.Handler.DisplayName, $"request body ('{f.Name}' as a form, '{b.Name}' as a body)" }.ToImmutableEquatableArray()));
            return false;

            static string Named((string Name, string Owner, int Position) parameter) =>
                parameter.Owner.Length == 0 ? parameter.Name : $"{parameter.Name}' of before hook '{parameter.Owner}";
        }

        /// <summary>Reports each JSON type of a handler or hook that the context has no info for; true when it has all.</summary>
        private static bool HasJsonTypeInfo(List<DiagnosticInfo> diagnostics, JsonContextModel json, MethodModel method, LocationInfo? location)
        {
            bool all = true;
            foreach (string type in method.JsonTypes)
            {
                if (json.FindProperty(type) is not null)
                {
                    continue;
                }

                string why = json.ContextTypeName.Length == 0
                    ? "the assembly names no JsonSerializerContext: add [assembly: FcgiJsonContext(typeof(YourJsonContext))]"
                    : $"'{json.ContextTypeName}' has no type info for it: add [JsonSerializable(typeof({type.Replace("global::", string.Empty)}))] to the context";
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.MissingJsonTypeInfo, location, new[] { method.DisplayName, type, why }.ToImmutableEquatableArray()));
                all = false;
            }

            return all;
        }
    }
}
