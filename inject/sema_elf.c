/* sema_elf.c - function symbols of a user-space binary, for
 * process("PATH").function("P") probes: name and file offset (what a
 * uprobe attaches to), read with libelf from .symtab and .dynsym. */
#include "sema_internal.h"
#include "ksyms.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int have_name(const struct ptrvec *v, const char *name)
{
	int i;

	for (i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], name))
			return 1;
	return 0;
}

/* File offset of virtual address addr via the PT_LOAD segments. */
static int vaddr_to_offset(Elf *e, GElf_Addr addr, uint64_t *off)
{
	size_t n, i;

	if (elf_getphdrnum(e, &n))
		return -1;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -1;
}

int sema_elf_functions(struct arena *a, const char *path, const char *pattern,
		       struct ptrvec *names, struct ptrvec *offsets)
{
	Elf_Scn *scn = NULL;
	Elf *e;
	int fd, glob = ksyms_is_glob(pattern);

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return -1;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, nsyms;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		nsyms = sh.sh_size / sh.sh_entsize;
		for (i = 0; d && i < nsyms; i++) {
			GElf_Sym sym;
			const char *name;
			uint64_t off, *slot;

			if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (glob ? !ksyms_glob_match(pattern, name, 0) : strcmp(pattern, name))
				continue;
			if (have_name(names, name) || vaddr_to_offset(e, sym.st_value, &off))
				continue;
			slot = arena_alloc(a, sizeof(*slot));
			*slot = off;
			ptrvec_push(a, names, arena_strdup(a, name));
			ptrvec_push(a, offsets, slot);
		}
	}
	elf_end(e);
	close(fd);
	return names->n;
}
