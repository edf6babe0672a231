/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_map.h - associative arrays.
 *
 * A map has 0 to STP_MAP_MAX_KEYS keys, each a long or a string, and a
 * long, string or statistic value. Its nodes come from a pool of
 * max_entries nodes allocated at module init (MAXMAPENTRIES, or the N of
 * "global a[N]"): inserting into a full map fails ("Array overflow"),
 * except for a wrapping map ("global a%"), which reuses its oldest node.
 *
 * Iteration follows the node list: insertion order, until a sorted
 * foreach reorders it in place with a stable bottom-up merge sort (no
 * recursion: kernel stacks are small), as stap's runtime does.
 */
#ifndef STP_LANG_MAP_H
#define STP_LANG_MAP_H

#define STP_MAP_MAX_KEYS 9

enum stp_vtype { STP_T_LONG, STP_T_STRING, STP_T_STAT };

/* Sort columns beyond the keys: stap's SORT_* for statistic values. */
#define STP_SORT_VALUE 0
#define STP_SORT_COUNT -5
#define STP_SORT_SUM -4
#define STP_SORT_MIN -3
#define STP_SORT_MAX -2
#define STP_SORT_AVG -1

/* A key as the generated code passes it: n for long keys, s for strings. */
struct stp_key {
	int64_t n;
	const char *s;
};

struct stp_map_node {
	struct hlist_node hnode;
	struct list_head lnode;	/* in map->head (live) or map->pool (free) */
	u32 hash;
	/* keys and value follow at the map's offsets */
};

struct stp_map {
	const char *name;
	int nkeys;
	u8 key_types[STP_MAP_MAX_KEYS];
	u8 vtype;
	u32 key_off[STP_MAP_MAX_KEYS];
	u32 val_off, node_size;
	long max_entries, num;
	int wrap;
	int sized;		/* declared a[N]: overflow names N */
	struct stp_hist_desc hist;
	u32 hash_mask;
	struct hlist_head *table;
	struct list_head head, pool;
	char *mem;
};

#define STP_NODE_AT(m, n, off) ((char *)(n) + (off))

static inline int64_t stp_node_key_long(const struct stp_map *m, struct stp_map_node *n, int i)
{
	return *(int64_t *)STP_NODE_AT(m, n, m->key_off[i]);
}

static inline const char *stp_node_key_str(const struct stp_map *m, struct stp_map_node *n,
					    int i)
{
	return STP_NODE_AT(m, n, m->key_off[i]);
}

static inline int64_t *stp_node_long(const struct stp_map *m, struct stp_map_node *n)
{
	return (int64_t *)STP_NODE_AT(m, n, m->val_off);
}

static inline char *stp_node_str(const struct stp_map *m, struct stp_map_node *n)
{
	return STP_NODE_AT(m, n, m->val_off);
}

static inline struct stp_stat *stp_node_stat(const struct stp_map *m, struct stp_map_node *n)
{
	return (struct stp_stat *)STP_NODE_AT(m, n, m->val_off);
}

/*
 * Create a map at module init. key_types: nkeys of STP_T_LONG/STRING.
 * hist: the statistic's histogram (STP_T_STAT values), else NULL.
 * Returns 0 or -ENOMEM.
 */
static __maybe_unused int stp_map_init(struct stp_map *m, const char *name, int nkeys, const u8 *key_types,
			enum stp_vtype vtype, long max_entries, int wrap,
			const struct stp_hist_desc *hist)
{
	u32 off = ALIGN(sizeof(struct stp_map_node), 8);
	u32 nbuckets = 1;
	long i;

	memset(m, 0, sizeof(*m));
	m->name = name;
	m->nkeys = nkeys;
	m->vtype = vtype;
	m->max_entries = max_entries > 0 ? max_entries : MAXMAPENTRIES;
	m->wrap = wrap;
	m->sized = max_entries > 0;
	if (hist) {
		m->hist = *hist;
		m->hist.buckets = stp_hist_buckets(hist);
	}
	for (i = 0; i < nkeys; i++) {
		m->key_types[i] = key_types[i];
		m->key_off[i] = off;
		off += key_types[i] == STP_T_STRING ? ALIGN(MAXSTRINGLEN, 8) : 8;
	}
	m->val_off = off;
	if (vtype == STP_T_STRING)
		off += ALIGN(MAXSTRINGLEN, 8);
	else if (vtype == STP_T_STAT)
		off += stp_stat_size(&m->hist);
	else
		off += 8;
	m->node_size = ALIGN(off, 8);
	while (nbuckets < m->max_entries && nbuckets < (1u << 16))
		nbuckets <<= 1;
	m->hash_mask = nbuckets - 1;
	INIT_LIST_HEAD(&m->head);
	INIT_LIST_HEAD(&m->pool);
	m->table = vzalloc(sizeof(*m->table) * nbuckets);
	m->mem = vzalloc((size_t)m->node_size * m->max_entries);
	if (!m->table || !m->mem) {
		vfree(m->table);
		vfree(m->mem);
		m->table = NULL;
		m->mem = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < m->max_entries; i++) {
		struct stp_map_node *n = (void *)(m->mem + (size_t)i * m->node_size);

		INIT_HLIST_NODE(&n->hnode);
		list_add_tail(&n->lnode, &m->pool);
	}
	return 0;
}

static __maybe_unused void stp_map_free(struct stp_map *m)
{
	vfree(m->table);
	vfree(m->mem);
	m->table = NULL;
	m->mem = NULL;
}

static __maybe_unused u32 stp_map_hash(const struct stp_map *m, const struct stp_key *k)
{
	u32 h = 0x5eed;
	int i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == STP_T_STRING)
			h = jhash(k[i].s, strnlen(k[i].s, MAXSTRINGLEN - 1), h);
		else
			h = jhash_2words((u32)k[i].n, (u32)((u64)k[i].n >> 32), h);
	}
	return h;
}

static __maybe_unused bool stp_map_match(const struct stp_map *m, struct stp_map_node *n,
			  const struct stp_key *k)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == STP_T_STRING) {
			/* stored keys are truncated; compare as stored */
			if (strncmp(stp_node_key_str(m, n, i), k[i].s, MAXSTRINGLEN - 1))
				return false;
		} else if (stp_node_key_long(m, n, i) != k[i].n) {
			return false;
		}
	}
	return true;
}

static __maybe_unused struct stp_map_node *stp_map_find(struct stp_map *m, const struct stp_key *k)
{
	u32 h = stp_map_hash(m, k);
	struct stp_map_node *n;

	hlist_for_each_entry(n, &m->table[h & m->hash_mask], hnode)
		if (n->hash == h && stp_map_match(m, n, k))
			return n;
	return NULL;
}

static __maybe_unused void stp_map_clear_value(struct stp_map *m, struct stp_map_node *n)
{
	if (m->vtype == STP_T_STAT)
		memset(stp_node_stat(m, n), 0, stp_stat_size(&m->hist));
	else if (m->vtype == STP_T_STRING)
		stp_node_str(m, n)[0] = '\0';
	else
		*stp_node_long(m, n) = 0;
}

/* The node for k, created (zero value) when absent. NULL: the map is full. */
static __maybe_unused struct stp_map_node *stp_map_lookup_add(struct stp_map *m, const struct stp_key *k)
{
	u32 h = stp_map_hash(m, k);
	struct stp_map_node *n;
	int i;

	hlist_for_each_entry(n, &m->table[h & m->hash_mask], hnode)
		if (n->hash == h && stp_map_match(m, n, k))
			return n;
	if (!list_empty(&m->pool)) {
		n = list_first_entry(&m->pool, struct stp_map_node, lnode);
		m->num++;
	} else if (m->wrap && !list_empty(&m->head)) {
		n = list_first_entry(&m->head, struct stp_map_node, lnode);
		hlist_del_init(&n->hnode);
	} else {
		return NULL;
	}
	list_move_tail(&n->lnode, &m->head);
	n->hash = h;
	hlist_add_head(&n->hnode, &m->table[h & m->hash_mask]);
	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == STP_T_STRING)
			strscpy(STP_NODE_AT(m, n, m->key_off[i]), k[i].s, MAXSTRINGLEN);
		else
			*(int64_t *)STP_NODE_AT(m, n, m->key_off[i]) = k[i].n;
	}
	stp_map_clear_value(m, n);
	return n;
}

static __maybe_unused void stp_map_delete_node(struct stp_map *m, struct stp_map_node *n)
{
	hlist_del_init(&n->hnode);
	list_move(&n->lnode, &m->pool);
	m->num--;
}

static __maybe_unused void stp_map_delete(struct stp_map *m, const struct stp_key *k)
{
	struct stp_map_node *n = stp_map_find(m, k);

	if (n)
		stp_map_delete_node(m, n);
}

static __maybe_unused void stp_map_clear(struct stp_map *m)
{
	struct stp_map_node *n, *tmp;

	list_for_each_entry_safe(n, tmp, &m->head, lnode)
		stp_map_delete_node(m, n);
}

static inline bool stp_map_exists(struct stp_map *m, const struct stp_key *k)
{
	return stp_map_find(m, k) != NULL;
}

static inline int64_t stp_map_get_long(struct stp_map *m, const struct stp_key *k)
{
	struct stp_map_node *n = stp_map_find(m, k);

	return n ? *stp_node_long(m, n) : 0;
}

static inline const char *stp_map_get_str(struct stp_map *m, const struct stp_key *k)
{
	struct stp_map_node *n = stp_map_find(m, k);

	return n ? stp_node_str(m, n) : "";
}

static inline struct stp_stat *stp_map_get_stat(struct stp_map *m,
						const struct stp_key *k)
{
	struct stp_map_node *n = stp_map_find(m, k);

	return n ? stp_node_stat(m, n) : NULL;
}

/* Setters: 0, or -E2BIG when the map is full (the caller reports it). */
static inline int stp_map_set_long(struct stp_map *m, const struct stp_key *k, int64_t v)
{
	struct stp_map_node *n = stp_map_lookup_add(m, k);

	if (!n)
		return -E2BIG;
	*stp_node_long(m, n) = v;
	return 0;
}

static inline int stp_map_set_str(struct stp_map *m, const struct stp_key *k, const char *v)
{
	struct stp_map_node *n = stp_map_lookup_add(m, k);

	if (!n)
		return -E2BIG;
	stp_str_copy(stp_node_str(m, n), v);
	return 0;
}

static inline int stp_map_stat_add(struct stp_map *m, const struct stp_key *k, int64_t v)
{
	struct stp_map_node *n = stp_map_lookup_add(m, k);

	if (!n)
		return -E2BIG;
	stp_stat_add(stp_node_stat(m, n), &m->hist, v);
	return 0;
}

/* The "Array overflow" message stap gives for this map. */
static __maybe_unused void stp_map_overflow(struct stp_context *c, const struct stp_map *m)
{
	if (m->sized)
		stp_error(c, "Array overflow, check size limit (%ld)", m->max_entries);
	else
		stp_error(c, "Array overflow, check MAXMAPENTRIES");
}

/* a > b in the sort column (stap's _stp_cmp, direction applied by caller). */
static __maybe_unused int stp_map_cmp(const struct stp_map *m, struct stp_map_node *a,
		       struct stp_map_node *b, int col)
{
	int64_t x, y;

	if (col > 0) {
		if (m->key_types[col - 1] == STP_T_STRING)
			return strcmp(stp_node_key_str(m, a, col - 1),
				      stp_node_key_str(m, b, col - 1));
		x = stp_node_key_long(m, a, col - 1);
		y = stp_node_key_long(m, b, col - 1);
	} else if (m->vtype == STP_T_STRING) {
		return strcmp(stp_node_str(m, a), stp_node_str(m, b));
	} else if (m->vtype == STP_T_STAT) {
		const struct stp_stat *sa = stp_node_stat(m, a), *sb = stp_node_stat(m, b);

		switch (col) {
		case STP_SORT_SUM:
			x = sa->sum, y = sb->sum;
			break;
		case STP_SORT_MIN:
			x = sa->min, y = sb->min;
			break;
		case STP_SORT_MAX:
			x = sa->max, y = sb->max;
			break;
		case STP_SORT_AVG:
			x = sa->count ? stp_stat_avg(sa) : 0;
			y = sb->count ? stp_stat_avg(sb) : 0;
			break;
		default:
			x = sa->count, y = sb->count;
		}
	} else {
		x = *stp_node_long(m, a);
		y = *stp_node_long(m, b);
	}
	return x < y ? -1 : x > y;
}

/*
 * Sort the node list by col (0 value, 1..nkeys a key, STP_SORT_* for
 * statistics), dir +1 ascending, -1 descending. Stable: equal elements
 * keep their order. Bottom-up merge sort of a doubly linked list.
 */
static __maybe_unused void stp_map_sort(struct stp_map *m, int col, int dir)
{
	struct list_head *head = &m->head;
	int insize = 1, nmerges;

	if (list_empty(head) || list_is_singular(head))
		return;
	do {
		struct list_head *p = head->next, *tail = head;

		nmerges = 0;
		while (p != head) {
			struct list_head *q = p, *e;
			int psize = 0, qsize = insize, i;

			nmerges++;
			for (i = 0; i < insize && q != head; i++) {
				psize++;
				q = q->next;
			}
			while (psize > 0 || (qsize > 0 && q != head)) {
				if (psize > 0 &&
				    (qsize == 0 || q == head ||
				     dir * stp_map_cmp(m, list_entry(p, struct stp_map_node, lnode),
						       list_entry(q, struct stp_map_node, lnode),
						       col) <= 0)) {
					e = p;
					p = p->next;
					psize--;
				} else {
					e = q;
					q = q->next;
					qsize--;
				}
				/* move e right after tail */
				if (e != tail->next) {
					list_del(e);
					__list_add(e, tail, tail->next);
				}
				tail = e;
			}
			p = q;
		}
		insize *= 2;
	} while (nmerges > 1);
}

static inline struct stp_map_node *stp_map_first(struct stp_map *m)
{
	return list_first_entry_or_null(&m->head, struct stp_map_node, lnode);
}

static inline struct stp_map_node *stp_map_next(struct stp_map *m,
						struct stp_map_node *n)
{
	return list_is_last(&n->lnode, &m->head) ? NULL : list_next_entry(n, lnode);
}

#endif /* STP_LANG_MAP_H */
