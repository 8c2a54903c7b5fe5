/**
 * The prompt bank: classic system-design problems, each with a brief, the scale to assume and, for
 * interviewers, what a strong answer covers in every phase and the follow-up questions worth asking.
 *
 * This file is mostly data, so it is longer than our other modules on purpose. Every string is plain text
 * with none of the characters Slack's mrkdwn treats as markup (`<`, `>`, `&`, `*`, `_`, `~`, backtick), and
 * the lengths stay under PROMPT_LIMITS, so renderers can place the text in a section or an option as it is.
 * The tests hold the bank to both rules.
 */
import type { PhaseDefinition } from './phases.ts';

export type PhaseKey = PhaseDefinition['key'];

export interface PhaseGuide {
  /** What a strong answer covers in this phase. */
  readonly strong: readonly string[];
  /** Follow-up questions an interviewer can ask. */
  readonly probes: readonly string[];
}

export interface Prompt {
  /** Kebab-case and stable: sessions store it to remember which prompts a channel has already had. */
  readonly id: string;
  readonly title: string;
  readonly brief: string;
  /** The numbers the candidate may assume, so every session of a prompt sizes the same problem. */
  readonly scale: string;
  readonly phases: Readonly<Record<PhaseKey, PhaseGuide>>;
}

/** Slack-friendly sizes: an item fits one line of a nudge, a title fits a select option (75). */
export const PROMPT_LIMITS = { title: 60, brief: 300, scale: 300, item: 200 } as const;

export const PROMPTS: readonly Prompt[] = [
  {
    id: 'url-shortener',
    title: 'URL shortener',
    brief: 'Turn long URLs into short links that redirect to the original, like a public link-shortening service.',
    scale:
      '100M new links a month, 100 reads per write (about 4,000 redirects/s on average, 40,000/s at peak), links kept 5 years: about 6B links, roughly 3 TB.',
    phases: {
      requirements: {
        strong: [
          'Core features agreed: create a short link, redirect, optional custom alias and expiry; analytics parked or scoped',
          'A redirect latency target (e.g. p99 under 50 ms) and very high availability for reads',
          'The read-heavy ratio turned into redirects per second and total storage',
          'Out of scope said aloud: accounts, editing links, spam scanning',
        ],
        probes: [
          'Should the same long URL always get the same short code?',
          'How long do links live, and what happens after they expire?',
          'Do we need click analytics, and how fresh must they be?',
        ],
      },
      high_level: {
        strong: [
          'POST /links with the long URL (optional alias and expiry) returning the code; GET /{code} answering with a redirect',
          'Load balancer, a stateless link service, a key-value store keyed by code, a cache in front for hot links',
          'Data model: code, long URL, owner, created and expiry times; every read is a lookup by code',
          '302 when clicks must be counted (every click reaches us) versus 301 (browsers cache it)',
        ],
        probes: [
          'How many characters does the code need for 6 billion links?',
          'Which database, given every read is a lookup by key?',
          'Where does the cache sit, and what hit ratio do you expect?',
        ],
      },
      deep_dive: {
        strong: [
          'Code generation options weighed: hash and truncate with collision checks, a base62 counter, or key ranges handed to each server',
          'Seven base62 characters give about 3.5 trillion codes, far more than needed',
          'Hot links served from cache, sized from the rule that a small share of links gets most clicks',
          'Custom aliases kept unique with a conditional write',
        ],
        probes: [
          'Two servers create a code at the same moment: how do you avoid a duplicate?',
          'One link gets 100,000 clicks a second: what happens?',
          "How do you stop people from guessing other users' links?",
        ],
      },
      wrap_up: {
        strong: [
          'Recaps the write path and the read path in a few sentences',
          'Names the decision that matters most (code generation) and why, plus what comes next: analytics, abuse checks',
        ],
        probes: ['What would you monitor first in production?', 'What would change at ten times the traffic?'],
      },
    },
  },
  {
    id: 'pastebin',
    title: 'Pastebin',
    brief: 'Let people paste a block of text, get a short link to it and share it; pastes can be public or unlisted and can expire.',
    scale:
      '1M new pastes a day (about 12 writes/s), 5 reads per write, pastes up to 1 MB with 10 KB typical, kept a year by default: about 4 TB of text a year.',
    phases: {
      requirements: {
        strong: [
          'Features: create, read by link, expiry, public or unlisted; editing and accounts in or out',
          'A size limit per paste and a retention period, since both drive storage',
          'Writes per second, reads per second and yearly storage worked out',
          'Reads must stay available; a new paste may take a moment to appear everywhere',
        ],
        probes: ['What is the largest paste we accept, and why?', 'Must an expired paste vanish at the exact second?'],
      },
      high_level: {
        strong: [
          'POST /pastes with content, expiry and visibility returning a key; GET /pastes/{key}',
          'Metadata (key, size, expiry, owner) in a database; content in object storage, not in database rows',
          'A CDN or cache in front of popular pastes',
          'Keys generated as for a URL shortener: random with a uniqueness check, or pre-generated',
        ],
        probes: ['Why split metadata from content?', 'Where does syntax highlighting happen: server or browser?'],
      },
      deep_dive: {
        strong: [
          'Expiry options: a check on read plus a background sweeper, or storage lifecycle rules; the cost of each',
          'Large pastes uploaded straight to object storage with a signed URL instead of through app servers',
          'Abuse and hot pastes: rate limits per client, cache for popular keys',
          'Orphaned objects cleaned up when a metadata write fails',
        ],
        probes: ['A paste goes viral on a forum: trace a million reads.', 'How do you remove a deleted paste from the cache and the CDN?'],
      },
      wrap_up: {
        strong: ['Summarises the split between metadata and content and why', 'Names the trade-off between retention and storage cost'],
        probes: ['What would you drop if the budget were cut in half?', 'What would you build next?'],
      },
    },
  },
  {
    id: 'news-feed',
    title: 'News feed',
    brief: 'A social network home feed: users follow others and see recent posts from the people they follow, newest or ranked first.',
    scale:
      '500M daily active users opening the feed 10 times a day (about 60,000 feed reads/s), 100M new posts a day (about 1,200/s), a few accounts with over 10M followers.',
    phases: {
      requirements: {
        strong: [
          'Scope: publish a post, follow, view the feed; likes, comments and ads out unless asked',
          'A feed latency target (e.g. under 200 ms) and freshness (a post may take a few seconds to appear)',
          'Feed reads and post writes per second estimated: heavily read-biased',
          'Accounts with millions of followers called out early as a special case',
        ],
        probes: ['Chronological or ranked feed?', 'How stale can a feed be before users notice?'],
      },
      high_level: {
        strong: [
          'POST /posts and GET /feed with a cursor for pagination',
          'A post service and store, a follow graph, a feed service with a precomputed feed per user in a cache',
          "Fan-out on write: a queue and workers push new post ids into followers' feeds",
          'Media stored separately and served from a CDN',
        ],
        probes: ['Why page with a cursor rather than an offset?', "What exactly is stored in a user's feed cache?"],
      },
      deep_dive: {
        strong: [
          'Fan-out on write versus on read, and the hybrid: pull celebrity posts at read time, push everyone else',
          'The cost of pushing one post to 10M followers, in writes and in minutes',
          'Feed cache sized by keeping only the latest few hundred post ids per active user',
          'Ranking as a separate step that falls back to chronological order when it fails',
        ],
        probes: [
          'An account with 50M followers posts: what happens, second by second?',
          'How do you handle a user who has not logged in for a year?',
          'The fan-out workers fall ten minutes behind: what do users see?',
        ],
      },
      wrap_up: {
        strong: ['Recaps the hybrid fan-out and why it was chosen', 'Names the main risks (celebrity load, cache memory) and the answer to each'],
        probes: ['How would you insert ads into the feed?', 'Which metrics tell you the feed is healthy?'],
      },
    },
  },
  {
    id: 'chat',
    title: 'Chat messenger',
    brief: 'One-to-one and small group chat with online status and message history, on phones and the web.',
    scale:
      '50M daily active users sending 40 messages each a day (about 23,000 messages/s on average), groups up to 100 members, history kept forever.',
    phases: {
      requirements: {
        strong: [
          'Features: one-to-one and group messages, delivery and read receipts, presence, history; voice and video out',
          'No lost messages and a stable order within a conversation, stated as hard requirements',
          'A delivery latency target for an online recipient (e.g. under 500 ms)',
          'Concurrent connections estimated: tens of millions open at peak',
        ],
        probes: ['What happens to messages sent to someone who is offline?', 'How large can a group get?'],
      },
      high_level: {
        strong: [
          'A persistent two-way connection (WebSocket) for sending and receiving; REST for history and login',
          'Chat servers holding connections, a presence service, a message store, push notifications for offline users',
          'A registry of which user is connected to which chat server, so messages can be routed',
          'Messages keyed by conversation and time, stored before the sender gets an acknowledgement',
        ],
        probes: ['Why WebSocket rather than polling?', 'How does the sender know the message was stored?'],
      },
      deep_dive: {
        strong: [
          'WebSockets at scale: a connection registry, load balancing long-lived connections, reconnect storms after a deploy',
          'Ordering by per-conversation sequence numbers rather than device clocks',
          'A wide-column store partitioned by conversation for the write volume and reads of recent messages',
          'Group delivery fanned out per member or per server; presence updates throttled',
        ],
        probes: [
          'A chat server holding 500,000 connections dies: what happens to those users?',
          'Two people send a message at the same moment: which comes first, and does everyone agree?',
          'What would end-to-end encryption change, and what would it break?',
        ],
      },
      wrap_up: {
        strong: ['Summarises the connection layer, routing and storage', 'States the delivery guarantee the design gives'],
        probes: ['What would you monitor to catch lost messages?', 'How would a second region change the design?'],
      },
    },
  },
  {
    id: 'rate-limiter',
    title: 'Rate limiter',
    brief: 'Limit how many requests each client can make to a public API, enforced consistently across every server behind the load balancer.',
    scale:
      '1M requests/s at peak across 200 API servers, 10M distinct API keys, rules such as 100 requests per minute per key; the check may add only a few milliseconds.',
    phases: {
      requirements: {
        strong: [
          'Who is limited (API key, user, IP) and by which rules, and whether rules change without a deploy',
          'An overhead budget per request (e.g. under 5 ms) and what happens when the limiter is down: fail open or closed',
          'Hard or soft limits, and whether short bursts are allowed',
          'What clients see: HTTP 429 with a Retry-After header',
        ],
        probes: [
          'Should a burst of 20 requests in one second pass if the minute total is fine?',
          'Is it acceptable to let extra requests through while the limiter is unhealthy?',
        ],
      },
      high_level: {
        strong: [
          'The check runs in the API gateway or as middleware, against a shared counter store',
          'Rules kept in configuration and cached on every node',
          'Counters in an in-memory store such as Redis, keyed by client and time window',
          'Response headers telling clients how much quota is left',
        ],
        probes: ["Why not keep the counters in each server's memory?", 'Where exactly does the check run: gateway, service or library?'],
      },
      deep_dive: {
        strong: [
          'Algorithms compared: token bucket, leaky bucket, fixed window, sliding log, sliding window counter; memory and accuracy of each',
          'Two servers incrementing at once: atomic increments or a script executed inside the store',
          'Local buckets synced every few hundred ms versus a round trip on every request',
          'The store unreachable: fail open with coarse local limits as a backstop',
        ],
        probes: [
          'A client sends 100 requests just before the minute turns and 100 just after: what does each algorithm allow?',
          "The counter store's primary fails over: what do clients see?",
          'How would you enforce one limit across two regions?',
        ],
      },
      wrap_up: {
        strong: ['Names the algorithm chosen and the accuracy given up for speed', 'States the fail-open or fail-closed choice and why'],
        probes: ['How would you test it before rollout?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'web-crawler',
    title: 'Web crawler',
    brief: 'Crawl the public web to collect pages for a search index, politely and without fetching the same page again and again.',
    scale: '1B pages a month (about 400 pages/s on average, 800/s at peak), 500 KB per page on average (about 500 TB a month), content kept 5 years.',
    phases: {
      requirements: {
        strong: [
          'Purpose agreed (search indexing) and content types in scope: HTML only, or images and PDFs too',
          'Politeness: robots.txt respected and a rate limit per host',
          'Throughput and storage estimated from pages per month',
          'Freshness: how often pages are crawled again',
        ],
        probes: ['How do we treat pages that change hourly versus yearly?', 'What counts as a duplicate page?'],
      },
      high_level: {
        strong: [
          'The loop: seed URLs, a URL frontier, fetchers, a caching DNS resolver, parsers, a content store, link extraction back into the frontier',
          'A seen-URL check before enqueueing and content fingerprints to skip duplicate pages',
          'Stateless workers scaled out and coordinated through the frontier',
          'Raw pages in object storage, metadata in a database',
        ],
        probes: ['Walk one URL through the whole loop.', 'Where is robots.txt fetched and cached?'],
      },
      deep_dive: {
        strong: [
          'Frontier design: priority queues by importance feeding per-host queues for politeness',
          'A seen-URL set for billions of URLs: Bloom filter versus a sharded hash store, and what a false positive costs',
          'Crawler traps: URL normalisation, depth limits, a page budget per host',
          'Duplicate content found by checksum or SimHash',
        ],
        probes: [
          'A site generates endless calendar pages: how do you notice?',
          'A fetcher hangs on a slow host: what protects throughput?',
          'How would you spread fetchers across regions close to the hosts?',
        ],
      },
      wrap_up: {
        strong: ['Recaps the crawl loop and how politeness and freshness are kept', 'Names what limits throughput first'],
        probes: ['How would you decide which pages to crawl again first?', 'What would you put on a dashboard?'],
      },
    },
  },
  {
    id: 'notification-service',
    title: 'Notification service',
    brief: "Send push, SMS and email notifications on behalf of other services, respecting each user's preferences.",
    scale:
      '10M push, 1M SMS and 5M emails a day, bursts of 100 times normal during a marketing campaign, transactional messages delivered within a minute.',
    phases: {
      requirements: {
        strong: [
          'Channels in scope, and which messages are transactional versus marketing',
          'User preferences and opt-outs honoured; quiet hours if asked',
          'A delivery speed target and at-least-once delivery with rare duplicates',
          'Volume per channel estimated, campaign bursts included',
        ],
        probes: ['Is sending a notification twice worse than not sending it?', 'Who owns templates and translations?'],
      },
      high_level: {
        strong: [
          'POST /notifications from internal services with user id, template, channel hints and an idempotency key',
          'The service validates, checks preferences, renders the template and enqueues per channel',
          'Channel workers call the providers (APNs, FCM, an SMS gateway, an email provider)',
          'A delivery log for status, retries and audit',
        ],
        probes: ['Why one queue per channel?', 'Where do device tokens live, and how do they stay current?'],
      },
      deep_dive: {
        strong: [
          'Retries with backoff, dead-letter queues and a second provider to fail over to',
          'Deduplication by idempotency key kept for a time window',
          'Transactional messages ahead of campaigns: separate queues or weighted consumers',
          "Providers' rate limits respected; bounces and invalid tokens fed back into the user's settings",
        ],
        probes: [
          'The SMS provider is down for 30 minutes: what happens?',
          'A 50M-email campaign starts: how do password-reset emails still arrive on time?',
        ],
      },
      wrap_up: {
        strong: ['Summarises the flow from request to provider', 'States the delivery guarantee and how duplicates are kept rare'],
        probes: ['What would you measure to prove delivery works?', 'How would you add a new channel?'],
      },
    },
  },
  {
    id: 'ride-sharing',
    title: 'Ride sharing',
    brief: 'Match riders with nearby drivers, show the driver approaching on a map, and handle the trip from request to payment.',
    scale:
      '10M rides a day, 1M drivers online at peak sending a location every 4 seconds (about 250,000 location updates/s), a match expected within seconds.',
    phases: {
      requirements: {
        strong: [
          'Core flow: request, match, track the driver, complete the trip; pricing and payments scoped',
          'Targets for matching time and for how fresh driver locations are',
          'Location updates per second estimated: the dominant write load',
          'Consistency: a driver is never assigned to two riders',
        ],
        probes: ['What happens if no driver accepts?', 'Do we need surge pricing?'],
      },
      high_level: {
        strong: [
          'Driver apps send location updates; rider apps request a ride and subscribe to its status',
          'A location service with an in-memory geospatial index, a matching service, a trip service with the trip states',
          'Trips in a database; location history streamed to cheaper storage',
          'A push channel to both apps for offers and updates',
        ],
        probes: ['Where do the 250,000 updates per second go first?', 'Which states does a trip move through?'],
      },
      deep_dive: {
        strong: [
          'Geospatial index: geohash, quadtree or a hexagon grid, and searching the neighbouring cells',
          'No double assignment: a conditional write on the driver state, with an offer timeout',
          'The location index sharded by city or region',
          'Drivers losing their connection mid-trip',
        ],
        probes: [
          'Two riders are offered the same driver: walk through it.',
          "A city's location server fails at rush hour: what happens?",
          'How would you estimate the arrival time?',
        ],
      },
      wrap_up: {
        strong: ['Recaps matching and how double assignment is prevented', 'Names the unit of scaling (a city or region)'],
        probes: ['How would you launch in a new country?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'video-streaming',
    title: 'Video streaming',
    brief: 'Let creators upload videos and viewers watch them on any device with smooth playback.',
    scale:
      '5M daily viewers watching 30 minutes each, 500,000 uploads a day averaging 300 MB (about 150 TB a day before transcoding), several resolutions kept per video.',
    phases: {
      requirements: {
        strong: [
          'Upload and watch in scope; comments, recommendations and live streaming out',
          'Fast playback start and smooth playback on slow networks as the key qualities',
          'Storage per day and outbound bandwidth estimated, and their cost noticed',
          'Playback availability matters more than upload processing speed',
        ],
        probes: ['How long may processing take before a video can be watched?', 'Which devices and resolutions must we support?'],
      },
      high_level: {
        strong: [
          'Uploads go straight to object storage through a pre-signed URL, resumable for large files',
          'A processing pipeline: split into chunks, transcode in parallel to several resolutions, package for adaptive streaming',
          'A CDN serves video segments; the app serves metadata and the playlist',
          'A metadata database for videos, owners and processing status',
        ],
        probes: ['Why not stream uploads through our API servers?', 'What does the player fetch first?'],
      },
      deep_dive: {
        strong: [
          'Adaptive bitrate streaming (HLS or DASH): the player picks a quality per segment',
          'Transcoding as a graph of tasks on a queue, retried per chunk',
          'CDN cost: popular videos on the edge, the long tail served from origin',
          'Resumable uploads and duplicate detection',
        ],
        probes: [
          'A video goes viral in one country: what happens to the origin?',
          'A transcoding worker dies half-way: what is redone?',
          'How would you cut the bandwidth bill?',
        ],
      },
      wrap_up: {
        strong: ['Recaps upload, processing and playback', 'Names cost as a design driver and how it was handled'],
        probes: ['How would you add live streaming?', 'What would you monitor for playback quality?'],
      },
    },
  },
  {
    id: 'file-sync',
    title: 'File storage and sync',
    brief: "Store users' files in the cloud and keep them in sync across their devices, with sharing and version history.",
    scale:
      '50M users, 10M daily active, 10 GB stored per user on average (about 500 PB in all), files up to 50 GB, about 2 edits per active user an hour.',
    phases: {
      requirements: {
        strong: [
          'Upload, download, sync across devices, sharing, version history; live co-editing out',
          'Reliability first: a file is never lost or silently corrupted',
          'A sync delay target (e.g. changes on other devices within a minute)',
          'Storage and bandwidth estimated, and the effect of very large files',
        ],
        probes: ['Two devices edit the same file offline: what happens?', 'How many versions do we keep?'],
      },
      high_level: {
        strong: [
          'Files split into blocks (e.g. 4 MB) kept in object storage under their content hash',
          'A metadata service with files, versions and block lists in a relational database',
          'Clients upload only changed blocks, then commit a new version',
          'A notification channel (long polling) tells other devices to pull changes',
        ],
        probes: ['Why blocks rather than whole files?', 'What does committing a new version look like?'],
      },
      deep_dive: {
        strong: [
          'Delta sync and deduplication by block hash, with the bandwidth and storage they save',
          'Conflicts detected by version number and resolved by keeping both copies',
          "Metadata sharded by user or shared folder, with strong consistency inside one user's tree",
          'Durability: replication or erasure coding across zones, with checksums verified',
        ],
        probes: ['A user renames a folder holding 100,000 files: what changes?', 'A block upload succeeds but the commit fails: what is left behind?'],
      },
      wrap_up: {
        strong: ['Recaps the split between blocks, metadata and notifications', 'States the conflict rule'],
        probes: ['How would you cut storage cost for files nobody opens?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'search-autocomplete',
    title: 'Search autocomplete',
    brief: 'Suggest the most popular completions while the user types into a search box.',
    scale:
      '10M daily users, 10 searches each, about 20 keystroke requests per search (about 24,000 requests/s on average, 50,000 at peak), top 5 suggestions within 100 ms.',
    phases: {
      requirements: {
        strong: [
          'Ranked by popularity, top 5 suggestions, one language first; personalisation and spelling correction out',
          'Under about 100 ms per keystroke, end to end',
          'How fresh suggestions must be: is a daily rebuild enough?',
          'Request rate from keystrokes estimated',
        ],
        probes: ['Should a trending query appear within minutes?', 'How do we keep offensive suggestions out?'],
      },
      high_level: {
        strong: [
          'GET /suggestions?prefix=... returning a ranked list',
          'Read path: a suggestion service serving a trie held in memory, results cached per prefix',
          'Write path: search logs aggregated offline into query counts, a new trie built and shipped',
          'Clients wait for a short pause in typing and cache results',
        ],
        probes: ['Why separate the read path from the write path?', 'What does each trie node store?'],
      },
      deep_dive: {
        strong: [
          'Top completions cached at each trie node: memory traded for speed',
          'The trie sharded by prefix range, with uneven prefixes rebalanced',
          'Rebuild cadence: batch jobs versus streaming counts with decay for trending terms',
          'Unwanted suggestions filtered before publishing',
        ],
        probes: ['How much memory does the trie need?', 'A breaking-news term spikes: how fast does it show up?'],
      },
      wrap_up: {
        strong: ['Recaps the read and write paths', 'Names the trade-off between freshness and cost'],
        probes: ['How would you add personal suggestions?', 'What would you measure?'],
      },
    },
  },
  {
    id: 'distributed-cache',
    title: 'Distributed cache',
    brief: 'An in-memory cache shared by many services to take read load off their databases.',
    scale: '1M reads/s and 100,000 writes/s, 10 TB of hot data, values from 100 bytes to 1 MB, p99 reads under 2 ms.',
    phases: {
      requirements: {
        strong: [
          'API: get, set with a TTL, delete; an eviction policy agreed',
          'Latency and throughput targets, and the hit ratio expected',
          'Consistency with the database: how stale may a read be',
          'A node failure may cause misses, never wrong data',
        ],
        probes: ['Is the cache the source of truth for anything?', 'Which eviction policy suits this workload?'],
      },
      high_level: {
        strong: [
          'A client library or proxy routes each key to a node',
          'Each node holds a partition in memory with LRU eviction',
          'Cache-aside: read the cache, on a miss read the database and fill',
          'A configuration service holds the node list and partition map',
        ],
        probes: ['Why cache-aside rather than write-through here?', 'How does a client find the node for a key?'],
      },
      deep_dive: {
        strong: [
          'Consistent hashing with virtual nodes, so adding a node moves only about 1/n of the keys',
          'Hot keys: replicate them, or add a small local cache in the clients',
          'A stampede when a popular key expires: request coalescing and jittered TTLs',
          'Replication for availability weighed against its memory cost',
        ],
        probes: [
          'One key gets 200,000 reads a second: what happens?',
          'A node restarts empty: what does the database feel?',
          'How do you invalidate an entry after a database write?',
        ],
      },
      wrap_up: {
        strong: ['Recaps partitioning, eviction and invalidation', 'States what the cache promises about staleness'],
        probes: ['How would you size the cluster?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'key-value-store',
    title: 'Key-value store',
    brief: 'A distributed key-value database that stays available and scales out, in the style of Dynamo or Cassandra.',
    scale: '10 TB of data growing 1 TB a month, 100,000 writes/s and 300,000 reads/s, values under 10 KB, spread over three availability zones.',
    phases: {
      requirements: {
        strong: [
          'Get and put by key; range queries and transactions out',
          'A position on consistency: available with tunable consistency, or strongly consistent',
          'Durability: no acknowledged write is ever lost',
          'Latency targets and growth stated',
        ],
        probes: ['What should a read return during a network partition?', 'Do clients need to read their own writes?'],
      },
      high_level: {
        strong: [
          'Keys partitioned across nodes with consistent hashing',
          'Each key replicated to N nodes in different zones',
          'Write path: commit log, in-memory table, flushed to sorted files (an LSM tree)',
          'Any node coordinates a request; membership spread by gossip',
        ],
        probes: ['Why an LSM tree rather than a B-tree for this load?', 'What does a node do on a write, step by step?'],
      },
      deep_dive: {
        strong: [
          'Quorums: N, W and R, with W plus R greater than N for strong reads; the latency of each setting',
          'Conflicts: last write wins versus vector clocks',
          'Failures: hinted handoff, read repair, anti-entropy with Merkle trees',
          'Compaction strategies and their write amplification',
        ],
        probes: [
          'A node is down for an hour, then returns: how does it catch up?',
          'Two clients write the same key in different zones during a partition: what is stored?',
        ],
      },
      wrap_up: {
        strong: ['Recaps partitioning, replication and the consistency choice', 'Names the running cost: compaction and repair'],
        probes: ['How would you add a fourth zone?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'payment-system',
    title: 'Payment system',
    brief: 'Accept card payments for an online marketplace through external payment providers, and pay sellers out.',
    scale: '1M payments a day (about 12/s, 100/s at peak) in many currencies; charging twice or losing money is never acceptable.',
    phases: {
      requirements: {
        strong: [
          'Pay-in, refund and payout flows scoped; fraud checks out or a dependency',
          'Correctness over latency: each payment takes effect exactly once',
          'Daily reconciliation with the providers',
          'Compliance: card data stays with the provider, keeping our PCI scope small',
        ],
        probes: ['What does the user see if the provider times out?', 'How are currencies converted and stored?'],
      },
      high_level: {
        strong: [
          'POST /payments with an idempotency key; the intent recorded before the provider is called',
          "The provider's hosted page or tokens, so we never store card numbers",
          'A double-entry ledger for every movement of money',
          'Provider webhooks update payment status; payouts run as scheduled jobs',
        ],
        probes: ['Why double-entry?', 'What is stored before calling the provider, and why?'],
      },
      deep_dive: {
        strong: [
          'Idempotency keys stored with their outcome, so a retry returns the same result',
          'An unknown outcome after a timeout: ask the provider, never retry blindly',
          'A reconciliation job compares the ledger with provider reports and alerts on mismatches',
          'Amounts as integers in minor units, never floating point',
        ],
        probes: [
          'The provider charges the card and our service crashes before saving: what happens?',
          'A webhook arrives twice and out of order: then what?',
          'How does the ledger scale?',
        ],
      },
      wrap_up: {
        strong: ['Recaps how double charges and lost payments are prevented', 'Names reconciliation as the safety net'],
        probes: ['How would you add a second provider?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'ticket-booking',
    title: 'Event ticket booking',
    brief: 'Sell seats for concerts and sports events, where popular events sell out within minutes.',
    scale: '100,000 events a year; a big on-sale brings 1M users in the first minute for 50,000 seats; seat holds last 10 minutes.',
    phases: {
      requirements: {
        strong: [
          'Browse events, see a seat map, hold seats, pay; resale out',
          'No seat sold twice: strong consistency on inventory',
          'Fairness, and surviving the on-sale spike',
          'How long a hold lasts and how long payment may take',
        ],
        probes: ['First come, first served, or a lottery?', 'What happens to a held seat when payment fails?'],
      },
      high_level: {
        strong: [
          'GET /events/{id}/seats, POST /holds, POST /orders',
          'An event catalogue cached heavily; an inventory service as the source of truth for seats',
          'Holds with an expiry; payment through the provider; an order confirmation',
          'A virtual waiting room in front during big on-sales',
        ],
        probes: ['Which data can be cached and which cannot?', 'Where does a hold live?'],
      },
      deep_dive: {
        strong: [
          'Double booking prevented by row locks, versioned optimistic updates or a conditional write on seat status',
          'Hold expiry by TTL in a store or by a sweeper job, and seats released back',
          'The waiting room admits users at the rate the inventory service can take',
          'Bots: rate limits, challenges and a ticket limit per account',
        ],
        probes: [
          'Two users click the same seat in the same millisecond: walk through it.',
          'The on-sale starts and the database CPU hits 100 percent: what now?',
        ],
      },
      wrap_up: {
        strong: ['Recaps how inventory stays correct under the spike', 'Names the fairness choice'],
        probes: ['How would you rehearse a big on-sale?', 'What would you watch during it?'],
      },
    },
  },
  {
    id: 'hotel-reservation',
    title: 'Hotel reservation',
    brief: "Let guests search a hotel chain's hotels and book rooms for a range of dates.",
    scale:
      '5,000 hotels with 1M rooms, 70 percent occupancy and 3-night stays (about 240,000 bookings a day, 100/s at peak), searches 100 times more frequent than bookings.',
    phases: {
      requirements: {
        strong: [
          'Search availability, book, cancel; payment through a provider; reviews and loyalty out',
          'Booking by room type, not a specific room number',
          'An overbooking policy agreed (e.g. up to 10 percent)',
          'Search load far above booking load, so reads and writes are treated differently',
        ],
        probes: ['Does a guest choose a room type or a specific room?', 'What happens when a hotel changes its rates?'],
      },
      high_level: {
        strong: [
          'GET availability for a hotel and a date range; POST /reservations with an idempotency key',
          'Hotel and rate data read-mostly and cached; a reservation service owns inventory',
          'Inventory rows per hotel, room type and date, with total and reserved counts',
          'A relational database for transactions across inventory and reservations',
        ],
        probes: ['Why keep inventory per date rather than per reservation?', 'Which reads may be slightly stale?'],
      },
      deep_dive: {
        strong: [
          'Concurrent bookings: one conditional update (reserved plus requested at most total) in a transaction, or optimistic locking',
          'Double submits absorbed by the idempotency key',
          'Sharding by hotel if needed: the data is small, the hot spots are popular dates',
          'Search served from a cache with a short TTL; booking always checks the database',
        ],
        probes: ['Two guests book the last room at once: what does each see?', 'A guest cancels: what is updated, and in which order?'],
      },
      wrap_up: {
        strong: ['Recaps the inventory model and how it stays correct', 'Names the trade-off between fresh search results and cost'],
        probes: ['How would you serve many hotel chains?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'metrics-monitoring',
    title: 'Metrics monitoring and alerting',
    brief: 'Collect metrics from thousands of servers, show them on dashboards and alert when something goes wrong.',
    scale: '100,000 servers reporting 100 metrics every 10 seconds (1M data points/s), a year of retention with downsampling, 1,000 dashboard queries a minute.',
    phases: {
      requirements: {
        strong: [
          'System and application metrics, dashboards and alerts; logs and traces out',
          'Write-heavy: data points per second and storage after compression estimated',
          'Retention and resolution: raw for days, rolled up for a year',
          'An alert delay target (e.g. within a minute)',
        ],
        probes: ['Push or pull collection?', 'How precise must year-old data be?'],
      },
      high_level: {
        strong: [
          'Agents push metrics (or collectors pull them) into a queue such as Kafka',
          'A time-series database built for appends and range scans',
          'A query service for dashboards; an alerting service evaluating rules on a schedule',
          'Alerts routed to notification channels with deduplication',
        ],
        probes: ['Why put a queue between collection and storage?', 'What does one data point look like?'],
      },
      deep_dive: {
        strong: [
          'Time-series storage: delta and XOR compression, partitioning by time and series',
          'Downsampling and retention jobs',
          'High-cardinality labels (a user id as a label) and how to refuse them',
          'Monitoring the monitoring: what alerts when the pipeline itself is down',
        ],
        probes: ['A team adds a label with 1M distinct values: what breaks?', 'The queue falls 20 minutes behind: what do alerts do?'],
      },
      wrap_up: {
        strong: ['Recaps the pipeline from agent to alert', 'Names the storage choice and why'],
        probes: ['How would you halve the storage cost?', 'How do you know the alerting itself works?'],
      },
    },
  },
  {
    id: 'ad-click-aggregation',
    title: 'Ad click aggregation',
    brief: 'Count ad clicks in near real time so advertisers see results quickly and billing is exact.',
    scale: '1B clicks a day (about 12,000/s, 50,000/s at peak), 2M active ads, per-ad counts per minute available within a few minutes, billing-grade accuracy.',
    phases: {
      requirements: {
        strong: [
          'Queries: clicks per ad over the last few minutes, top ads per minute, filters such as country',
          'No double counting for billing; near real time for dashboards',
          'How late results may be, and how late events are handled',
          'Event volume and storage estimated',
        ],
        probes: ['How late may a click arrive and still count?', 'Who needs exact numbers and who needs fast ones?'],
      },
      high_level: {
        strong: [
          'Click events streamed into a message queue',
          'Stream aggregation (e.g. Flink) in one-minute windows per ad',
          'Aggregates written to an OLAP or time-series store for queries',
          'Raw events kept in cheap storage for reconciliation and replays',
        ],
        probes: ['Why keep raw events at all?', 'What does one aggregate row look like?'],
      },
      deep_dive: {
        strong: [
          'Exactly-once results: checkpoints with idempotent writes, or deduplication by click id',
          'Event time versus processing time, and watermarks for late events',
          'Hot ads: partition by ad id and split the heaviest ads',
          'Reconciliation: a batch job recounts from raw events and corrects the aggregates',
        ],
        probes: ['An aggregation node crashes mid-window: what gets counted twice?', 'A click arrives 30 minutes late: where does it go?'],
      },
      wrap_up: {
        strong: ['Recaps the streaming path and the batch correction', 'States the accuracy guarantee for billing'],
        probes: ['How would you detect click fraud?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'nearby-places',
    title: 'Nearby places',
    brief: "Find restaurants and shops near a user's location, like a local business search.",
    scale: '100M daily users, 200M businesses (a few hundred GB of data), 5,000 searches/s on average and 20,000 at peak; businesses change rarely.',
    phases: {
      requirements: {
        strong: [
          'Search by location and radius, view a business; ranking and reviews scoped',
          'Read-heavy with rare writes; an edit may show up the next day',
          'A search latency target (e.g. under 200 ms)',
          'Data size estimated: small enough to fit on one machine',
        ],
        probes: ['What should happen in a dense city versus the countryside?', 'Must a new business appear at once?'],
      },
      high_level: {
        strong: [
          'GET /search with latitude, longitude, radius and filters; GET /businesses/{id}',
          'A read-only location service separate from the business service that takes edits',
          'A geospatial index in memory, or in the database with read replicas',
          'Business details cached',
        ],
        probes: ['Why separate search from business edits?', 'How big is the geospatial index?'],
      },
      deep_dive: {
        strong: [
          'Index options: geohash prefixes, a quadtree, S2 or H3 cells; how each copes with density and updates',
          'Searching neighbouring cells for points near a cell edge',
          'Widening the radius when too few results come back',
          'A replica in every region rather than sharding, since the data fits on one machine',
        ],
        probes: ['A user stands exactly on a cell boundary: what do you fetch?', 'How is the index rebuilt after edits?'],
      },
      wrap_up: {
        strong: ['Recaps the index choice and the read path', 'Explains why the data does or does not need sharding'],
        probes: ['How would you rank the results?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'leaderboard',
    title: 'Real-time leaderboard',
    brief: "Show a live ranking of the players of an online game, including each player's own rank.",
    scale: '25M monthly players, 5M daily, 10 score updates per player a day (about 600/s on average, 6,000/s at peak); top 10 and own rank read after every match.',
    phases: {
      requirements: {
        strong: [
          "Top 10, a player's own rank and the players around them; a monthly reset",
          'A new score reflected in the ranking within seconds',
          'Ties broken by who reached the score first',
          'Update and read rates estimated',
        ],
        probes: ['Global only, or per region and among friends?', 'What happens at the monthly reset?'],
      },
      high_level: {
        strong: [
          "Score updates posted by the game servers, never by clients; GET top 10 and GET a player's rank",
          'A sorted set in an in-memory store (e.g. Redis), one per month',
          'A database as the durable record of scores',
          'Game servers call the leaderboard service when a match ends',
        ],
        probes: ['Why not let clients post their own scores?', 'What does a rank lookup cost in a sorted set?'],
      },
      deep_dive: {
        strong: [
          'Sorted set cost: O(log n) updates and rank lookups; memory for 25M entries (a few GB)',
          'Past one node: shard by score range, or approximate ranks far from the top',
          'Ties encoded in the score (score combined with an inverted timestamp)',
          'Recovery: rebuild the set from the database after a failure',
        ],
        probes: ['The Redis node dies: how long until ranks are back?', 'How would you rank 500M players?'],
      },
      wrap_up: {
        strong: ['Recaps the sorted-set design and its limits', 'States the recovery story'],
        probes: ['How would you add leaderboards among friends?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'job-scheduler',
    title: 'Distributed job scheduler',
    brief: 'Run jobs at a given time or on a cron schedule across a fleet of workers, reliably.',
    scale: '10M scheduled jobs, up to 20,000 jobs starting per second at peak (many on the hour), runs from seconds to hours, at-least-once execution.',
    phases: {
      requirements: {
        strong: [
          'One-off and recurring jobs, retries, status; workflows with dependencies scoped',
          'At-least-once execution, with jobs expected to be idempotent',
          'How precisely jobs must start (e.g. within a few seconds)',
          'Peak starts per second estimated, including the top-of-the-hour spike',
        ],
        probes: ['A job is still running when its next run is due: what happens?', 'Who may cancel a job?'],
      },
      high_level: {
        strong: [
          'POST /jobs with schedule, payload and retry policy; GET /jobs/{id} for status',
          'A job store indexed by next run time',
          'Schedulers find due jobs and enqueue them; workers pull and run them',
          'Worker heartbeats and a record of every run',
        ],
        probes: ['How does a scheduler claim due jobs without another taking them too?', 'Why a queue between schedulers and workers?'],
      },
      deep_dive: {
        strong: [
          'Claiming due jobs: partitions by job id, SELECT ... FOR UPDATE SKIP LOCKED, or leases',
          'Worker failure noticed by missed heartbeats; the job re-queued when its lease expires',
          'The top-of-the-hour spike: jitter, and loading jobs due in the next minute ahead of time',
          'Idempotency keys handed to jobs, since a run may happen twice',
        ],
        probes: [
          'A worker freezes for 5 minutes, then wakes up: can the job run twice?',
          'The job store is down for 2 minutes: what happens afterwards?',
        ],
      },
      wrap_up: {
        strong: ['Recaps how a job is claimed, run and recovered', 'States the guarantee and what job authors must do'],
        probes: ['How would you add dependencies between jobs?', 'What would you alert on?'],
      },
    },
  },
  {
    id: 'collaborative-editor',
    title: 'Collaborative document editor',
    brief: "Let several people edit the same document at once and see each other's changes live, like an online word processor.",
    scale: '10M daily users, up to 50 people editing one document at once, a few operations per second per editor, documents up to a few MB.',
    phases: {
      requirements: {
        strong: [
          'Live co-editing, cursors, comments; offline editing in or out',
          'Every editor ends up with the same document',
          "A target for seeing others' edits (e.g. under 200 ms)",
          'Version history and permissions',
        ],
        probes: ['Must offline edits merge later?', 'How many people may edit one document at once?'],
      },
      high_level: {
        strong: [
          'Open a document over REST, then a WebSocket per editing session for operations',
          'One collaboration server owns each open document and orders its operations',
          'An operation log plus periodic snapshots in storage',
          'Cursors sent over the same channel but never stored',
        ],
        probes: ['Why route every editor of a document to one server?', 'What is in a snapshot?'],
      },
      deep_dive: {
        strong: [
          'Operational transformation versus CRDTs: what each needs from the server, memory, offline support',
          'Routing a document to its server with consistent hashing, and handing it over',
          'Snapshots and compaction of the operation log',
          'Reconnecting and catching up from the last acknowledged operation',
        ],
        probes: ['Two people delete overlapping text at the same moment: what happens?', "The document's server crashes: what do editors see?"],
      },
      wrap_up: {
        strong: ['Recaps the consistency model and the routing', 'Names the OT or CRDT choice and why'],
        probes: ['How would you add offline editing?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'email-service',
    title: 'Email service',
    brief: 'A web mail service: send and receive email, browse folders and search, for a very large user base.',
    scale: '1B users, each receiving 40 and sending 10 emails a day (about 580,000 emails/s), 50 KB per email on average plus attachments, mail kept for years.',
    phases: {
      requirements: {
        strong: [
          'Send, receive, folders, search, attachments; spam filtering as a dependency',
          'Durability: mail is never lost once accepted',
          'Search latency and how soon new mail is searchable',
          'Storage per day estimated, with attachments dominating',
        ],
        probes: ['How long is mail kept, and is there a quota?', 'How quickly must a received email appear?'],
      },
      high_level: {
        strong: [
          'SMTP servers for inbound and outbound mail; HTTP APIs for the web client',
          'Mail metadata (headers, folders, read flags) in a store partitioned by user',
          'Bodies and attachments in object storage',
          'A search index per user, and a live channel telling clients about new mail',
        ],
        probes: ['Why partition everything by user?', 'What happens between SMTP accepting a mail and it showing in the inbox?'],
      },
      deep_dive: {
        strong: [
          'Metadata store: wide-column keyed by user and time versus relational, judged on the access patterns',
          'Search: an inverted index per user, updated asynchronously',
          'Outbound deliverability: sender reputation, SPF, DKIM, DMARC, retries on soft bounces',
          'Attachments deduplicated by hash',
        ],
        probes: ['A user with 5M emails searches for an old invoice: how is it fast?', 'One outbound server lands on a blocklist: what happens?'],
      },
      wrap_up: {
        strong: ['Recaps the inbound, storage and read paths', 'Names the partitioning choice'],
        probes: ['How would you cut storage cost?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'stock-exchange',
    title: 'Stock exchange order matching',
    brief: 'Accept buy and sell orders for stocks and match them fairly, fast and auditably.',
    scale: '5,000 symbols, 1B orders a day with peaks of 100,000 orders/s at the open, matching in well under a millisecond, every event kept for audit.',
    phases: {
      requirements: {
        strong: [
          'Limit and market orders, cancels, a market data feed; clearing and settlement out',
          'Fairness: strict price-time priority',
          'Latency targets and deterministic behaviour',
          'Every order and fill recorded for audit',
        ],
        probes: ['What matters more here: latency or throughput?', 'Who may see the order book, and how quickly?'],
      },
      high_level: {
        strong: [
          'An order gateway with risk checks, a sequencer giving every order its place, a matching engine per symbol',
          'The order book in memory: bids and asks sorted by price, then time',
          'An event log as the source of truth; market data published from the fills',
          'Reporting and settlement consume the log downstream',
        ],
        probes: ['Why single-threaded matching per symbol?', 'What does the sequencer give you?'],
      },
      deep_dive: {
        strong: [
          'Order book structure: price levels in a sorted map, each a FIFO queue; the best price found in constant time',
          'Determinism and recovery: a hot standby replays the event log',
          'Latency: no disk or network hop on the critical path beyond the sequenced log write, batched',
          'Fair market data: published to every subscriber at the same moment',
        ],
        probes: ['The matching engine crashes mid-fill: how do you resume?', 'One symbol gets ten times its usual orders: what happens?'],
      },
      wrap_up: {
        strong: ['Recaps the sequencer, the engine and the event log', 'Names how fairness and recovery are guaranteed'],
        probes: ['How would you test the matching engine?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'photo-sharing',
    title: 'Photo sharing',
    brief: 'Let users upload photos, follow other people and browse a feed of their photos.',
    scale: '500M daily users, 100M photos uploaded a day (about 1,200 uploads/s) at 2 MB each (about 200 TB a day), 100 reads per write.',
    phases: {
      requirements: {
        strong: [
          'Upload, view, follow, a feed; stories, likes and comments scoped',
          'Photos are never lost; the feed loads fast on mobile',
          'Storage growth per day and read bandwidth estimated',
          'Read-heavy, which points to caches and a CDN',
        ],
        probes: ['Which image sizes do clients need?', 'How fresh must the feed be?'],
      },
      high_level: {
        strong: [
          'Photos uploaded to object storage through a pre-signed URL; metadata through POST /photos',
          'Workers create thumbnails and other sizes',
          'A CDN serves images; metadata in a database; a follow graph',
          "The feed built from followed users' photos, with fan-out as in a news feed",
        ],
        probes: ['Why resize images asynchronously?', 'Where does photo metadata live, and what is its key?'],
      },
      deep_dive: {
        strong: [
          'Storage tiers for hot and cold photos; replication versus erasure coding',
          'Feed generation: push versus pull, and accounts with huge followings',
          'Metadata sharded by user id versus photo id, and the queries each serves',
          'CDN hit ratio and what it costs',
        ],
        probes: ['An account with 100M followers uploads: what happens?', 'How do you delete a photo everywhere, CDN included?'],
      },
      wrap_up: {
        strong: ['Recaps upload, storage and feed', 'Names the biggest cost and how it is kept down'],
        probes: ['How would you add video?', 'What would you monitor?'],
      },
    },
  },
  {
    id: 'unique-id-generator',
    title: 'Unique ID generator',
    brief: 'Generate unique, roughly time-ordered 64-bit IDs for a distributed system, with no single point of failure.',
    scale: '10,000 IDs/s per data centre, 5 data centres, IDs that fit in 64 bits and sort roughly by creation time, surviving node failures.',
    phases: {
      requirements: {
        strong: [
          'Unique, numeric, 64 bits, roughly sortable by time',
          'Throughput per node and the availability needed',
          'Whether gaps in the sequence are acceptable',
          'How many years the scheme must last',
        ],
        probes: ['Strictly increasing, or only roughly?', 'May an ID reveal when it was created?'],
      },
      high_level: {
        strong: [
          'Options laid out: database auto-increment, UUIDs, a ticket server, a Snowflake-style layout',
          'Snowflake layout: a sign bit, 41 bits of milliseconds, 10 bits of machine id, 12 bits of sequence',
          'Generated in a library or a small service in each data centre, with no coordination per ID',
          'Machine ids handed out at start-up by a coordinator (e.g. ZooKeeper)',
        ],
        probes: ['Why not UUIDs?', 'How many IDs can one machine make per millisecond?'],
      },
      deep_dive: {
        strong: [
          '41 bits of milliseconds last about 69 years from a custom epoch',
          'A clock that moves backwards: refuse or wait, and how NTP is configured',
          'Sequence exhausted within a millisecond: wait for the next one',
          'Machine ids reused after a node dies',
        ],
        probes: ['NTP moves the clock back 2 seconds: what happens?', 'How do you split the 10 machine bits between data centres and workers?'],
      },
      wrap_up: {
        strong: ['Recaps the layout and the trade-offs accepted', 'States what happens when clocks misbehave'],
        probes: ['How would you check uniqueness in production?', 'What if IDs could be 128 bits?'],
      },
    },
  },
  {
    id: 'message-queue',
    title: 'Distributed message queue',
    brief: 'A durable, partitioned message log that many producers write to and many consumer groups read from.',
    scale: '1M messages/s in and 3M/s out across consumer groups, 1 KB messages, 7 days of retention (about 600 TB before replication).',
    phases: {
      requirements: {
        strong: [
          'Publish, subscribe with consumer groups, retention; exactly-once delivery scoped',
          'Ordering per partition, and at-least-once delivery',
          'Throughput and storage estimated',
          'Durability: an acknowledged message survives a broker failure',
        ],
        probes: ['Do consumers need messages in order?', 'Should consumers pull, or should brokers push?'],
      },
      high_level: {
        strong: [
          'Topics split into partitions, each an append-only log on disk',
          'Brokers host partitions; each partition has a leader and followers that replicate it',
          'Producers pick a partition by key; each consumer in a group owns some partitions and tracks its offsets',
          'A controller or metadata store tracks leaders and membership',
        ],
        probes: ['Why an append-only log?', 'Where are consumer offsets stored?'],
      },
      deep_dive: {
        strong: [
          'Replication and acknowledgements: waiting for all in-sync replicas versus the leader only',
          'Throughput from sequential writes, the page cache and zero-copy transfers',
          'Consumer group rebalancing and the pause it causes',
          'Retention by time or size, and compacted topics',
        ],
        probes: ['A leader dies right after acknowledging a write: is the message safe?', 'One partition gets ten times the traffic: what do you do?'],
      },
      wrap_up: {
        strong: ['Recaps partitions, replication and consumer groups', 'States the delivery and ordering guarantees'],
        probes: ['How would you add exactly-once delivery?', 'What would you monitor?'],
      },
    },
  },
];

/** Lower case, without a leading "design a" and with punctuation as spaces: "Design a URL-shortener!" → "url shortener". */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/^\s*design\s+(?:an?\s+|the\s+)?/, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Each prompt under its id and its title, normalised once: every `start` looks its topic up here. */
const BY_NAME: ReadonlyMap<string, Prompt> = (() => {
  const names = new Map<string, Prompt>();
  // Bank order decides, as a search through it would: an earlier prompt's name is never taken by a later one.
  for (const p of PROMPTS) for (const name of [normalise(p.id), normalise(p.title)]) if (!names.has(name)) names.set(name, p);
  return names;
})();

/** Words people add after a problem's name that do not change it: "a hotel reservation system", "a chat app". */
const GENERIC_ENDINGS = /(?:\s+(?:system|systems|service|services|app|application|platform|website|site|tool|engine|api))+$/;

/**
 * The prompt with this id or title, as people type it: any case, with or without "Design a", and with or without a
 * generic word after it ("a hotel reservation system", "a chat app", "a photo sharing service").
 */
export function findPrompt(idOrTitle: string): Prompt | undefined {
  const wanted = normalise(idOrTitle);
  if (wanted === '') return undefined;
  return BY_NAME.get(wanted) ?? BY_NAME.get(wanted.replace(GENERIC_ENDINGS, ''));
}

/**
 * A prompt this channel has not had yet, chosen with `random` (a value in [0, 1), like Math.random).
 * Once every prompt has been used, the bank starts over with the one used longest ago: `usedIds` runs
 * oldest to newest, and a prompt used several times counts from its latest use. Ids no longer in the bank
 * are ignored.
 */
export function pickRandomPrompt(usedIds: readonly string[], random: () => number): Prompt {
  const lastUse = new Map<string, number>();
  usedIds.forEach((id, i) => lastUse.set(id, i));
  const fresh = PROMPTS.filter((p) => !lastUse.has(p.id));
  if (fresh.length > 0) return fresh[indexFor(random(), fresh.length)] ?? firstPrompt();
  let oldest = firstPrompt();
  for (const prompt of PROMPTS) {
    if ((lastUse.get(prompt.id) ?? -1) < (lastUse.get(oldest.id) ?? -1)) oldest = prompt;
  }
  return oldest;
}

/** Clamped, so a generator that returns 1 or garbage still yields a valid index. */
function indexFor(value: number, length: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(length - 1, Math.max(0, Math.floor(value * length)));
}

function firstPrompt(): Prompt {
  const first = PROMPTS[0];
  if (!first) throw new Error('The prompt bank is empty');
  return first;
}
