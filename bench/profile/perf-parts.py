#!/usr/bin/python3
"""Splits the CPU samples of a gantry process, as `perf script` prints them, into the parts of a request.

The first matching rule wins; rules go from the innermost work to the outer layers, so a sample inside the store read
that also shows the middleware frames above it counts as store read. Native frames whose managed callers are lost
(frame-pointer unwinding stops in libe_sqlite3, libcrypto and the kernel) are classified by their own symbols.
How to record the input: BENCHMARKS.md, "Reads: where the CPU goes".

usage: perf-parts.py FILE   (FILE from: perf script -i X.perf.data -F comm,tid,period,ip,sym,dso > FILE)"""
import re, sys, collections
P = r'(RunParser|yy_|[Tt]oken|keywordCode|[Rr]esolve|sqlite3Select|selectExpander|[Ww]here|sqlite3Expr|exprMight|Walk|sqlite3LocateTable|sqlite3FindTable|StrICmp|StrIHash|Prepare|VdbeAdd|VdbeMakeReady|VdbeChange|GetVdbe|SrcList|lookupName|CodeVerify|FinishCoding|VdbeDelete|VdbeClearObject|_finalize|VdbeFinalize|[Dd]elete|clearSelect|ColumnIndex|ColumnsFrom|GenerateColumnNames|SetColName|SetNumCols|columnType|findElementWithHash|HashFind|valueFromExpr|ExprCode|selectInnerLoop|IndexAffinity|codeEquality|whereLoop|wherePath|StatusUp|sqlite3Parser|AttachSubtrees|sqlite3PExpr|sqlite3Dequote|sqlite3IdList)'
RULES = [
    ('SQLite: compile SQL (parse/plan/codegen/finalize, native)', rf'^libe_sqlite3\.so!\S*{P}'),
    ('SQLite: allocator (native, mostly prepare/finalize)', r'^libe_sqlite3\.so!\S*(Malloc|MemSize|[Ff]ree|Realloc|MallocSize)'),
    ('SQLite: execute + locks (VDBE, B-tree, WAL/shm, fcntl)', r'^libe_sqlite3\.so!|fcntl|posix_lock'),
    ('store read, managed (Microsoft.Data.Sqlite, reader pool, row mapping)', r'Microsoft\.Data\.Sqlite|SQLitePCL|SqliteGantryStore|SqliteReaderPool|RelationalJobStore|JobRows|DbDataReader|DbCommand'),
    ('API-key hash (SHA-256 via OpenSSL) + key cache', r'^libcrypto|ApiKeys\.Hash|ApiKeyAuthenticator|System\.Security\.Cryptography'),
    ('authentication (handler, scheme lookup, ClaimsPrincipal)', r'AuthenticationService|AuthenticationHandler|AuthenticationSchemeProvider|ApiKeyAuthenticationHandler|CallerTicket|System\.Security\.Claims|PolicyEvaluator\+<AuthenticateAsync|AuthenticationHttpContextExtensions'),
    ('authorization (policy evaluation)', r'Authorization(Service|Handler|Policy(?!\.AuthorizationMiddleware)|\.Infrastructure)|PolicyEvaluator|AuthorizationMiddlewareResultHandler'),
    ('rate limiter', r'RateLimit'),
    ('response view (CloudJobViews: DateTime/number formatting)', r'CloudJobViews|DateTimeFormat|Number(ToString|Formatting|\.Format)'),
    ('JSON serialization + response write (WriteAsJsonAsync, chunked body)', r'System\.Text\.Json|WriteAsJson|JsonHttpResult|HttpResults\.Ok|ChunkWriter|HttpResponsePipeWriter|Http1OutputProducer|WriteResponseHeaders|HttpResponseHeaders'),
    ('endpoint invocation (RequestDelegateFactory, handler, JobAccess)', r'RequestDelegateFactory|lambda_method|CloudJobsApi|JobAccess|EndpointMiddleware'),
    ('routing (DFA matcher, route values)', r'Routing\.Matching|EndpointRoutingMiddleware|RouteValueDictionary|Routing\.'),
    ('metrics / tracing (OpenTelemetry, HostingMetrics, Activity)', r'OpenTelemetry|HostingMetrics|HostingApplicationDiagnostics|System\.Diagnostics\.(Activity|Metrics|DiagnosticSource)|MetricsEndpoint\+<>c\+<<UseMetricsRefresh>b__2_0>d\.MoveNext$|Instrument|Meter'),
    ('logging (scopes, IsEnabled)', r'Microsoft\.Extensions\.Logging'),
    ('DI (request scope, ResolveService)', r'DependencyInjection|ResolveService|ServiceProvider'),
    ('HttpContext / hosting setup and teardown', r'HostingApplication|DefaultHttpContext|HttpContextFactory|Features|ItemsDictionary'),
    ('Kestrel HTTP/1 parsing + request loop', r'Kestrel\.Core'),
    ('socket send/receive (managed + kernel TCP)', r'System\.Net\.Sockets|Transport\.Sockets|tcp_|sock_|__sys_send|__sys_recv|sendmsg|recvmsg|SocketAsync|epoll|ip_|__dev_queue|net_rx|loopback'),
    ('Gantry middlewares own code (StatusCodePages, StoreOutageAnswer, CsrfGuard, UseMetricsRefresh)', r'StatusCodePages|StoreOutageAnswer|CsrfGuard|MetricsEndpoint|AuthenticationMiddleware|AuthorizationMiddleware'),
    ('thread pool spinning / waking (sched_yield, futex, semaphores)', r'sched_yield|futex|LowLevel|PortableThreadPool|ThreadPoolWorkQueue|Semaphore|WaitHandle|ManualResetEvent|Monitor'),
    ('GC', r'^GCTHREAD|Server GC|gc_heap|WKS::|SVR::'),
    ('JIT / tiering', r'^JITTHREAD|libclrjit'),
]
samples = []; cur = None
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        if cur: samples.append(cur); cur = None
        continue
    if line[0] not in '\t ':
        if cur: samples.append(cur)
        comm = line.split('  ')[0].strip()
        cur = (comm, [])
        if 'Server GC' in comm: cur[1].append('GCTHREAD')
        if 'Tiered Com' in comm: cur[1].append('JITTHREAD')
        continue
    m = re.match(r'\s*[0-9a-f]+ (.*) \((.*)\)$', line.rstrip('\n'))
    if m and cur:
        sym, dso = m.groups(); d = dso.split('/')[-1]
        if 'perf-' in dso:
            m2 = re.search(r'\[([^\]]+)\] ([^\s(\[]+::[^\s(]+)\(', sym)
            n = f"{m2.group(1)}!{m2.group(2).replace('::', '.')}" if m2 else sym
            cur[1].append('stub!IL_STUB_PInvoke' if 'IL_STUB' in n else n)
        else:
            cur[1].append(f"{d}!{sym}")
if cur: samples.append(cur)
res = collections.Counter(); unk = collections.Counter()
for comm, frames in samples:
    for label, pat in RULES:
        r = re.compile(pat)
        if any(r.search(f) for f in frames):
            res[label] += 1; break
    else:
        res['other (async machinery, runtime helpers, unresolved)'] += 1
        unk[frames[0] if frames else '?'] += 1
N = len(samples)
print(f"# {sys.argv[1]}: {N} CPU samples of the whole gantry process")
for k, v in res.most_common(): print(f"{100*v/N:6.1f} %  {k}")
print("# top leaves of 'other':", '; '.join(f"{k[:70]} {v}" for k, v in unk.most_common(8)))
