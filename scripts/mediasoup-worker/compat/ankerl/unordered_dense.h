/*
 * Phòng họp offline build of the mediasoup worker: ankerl::unordered_dense
 * compatibility.
 *
 * mediasoup 3.27 uses martinus/unordered_dense (header only) through a meson
 * wrap that cannot be downloaded offline, and Debian does not package it.
 * mediasoup only uses ankerl::unordered_dense::map, ::set and ::hash<T>, with
 * the std-compatible part of their API (find, emplace, erase, contains, ...),
 * so they are mapped here onto std::unordered_map / std::unordered_set.
 *
 * hash<T> for integers, enums and pointers mixes the bits like the original
 * (wyhash's 128-bit multiply-and-fold): mediasoup combines several small
 * integer hashes boost-style (Utils::Crypto::HashCombine), and std::hash of an
 * integer is the identity in libstdc++, which would make those combined keys
 * collide far more often. Other types fall back to std::hash<T>.
 */
#ifndef PHONGHOP_COMPAT_ANKERL_UNORDERED_DENSE_H
#define PHONGHOP_COMPAT_ANKERL_UNORDERED_DENSE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense
{
	namespace detail
	{
		inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) noexcept
		{
#if defined(__SIZEOF_INT128__)
			const __uint128_t r = static_cast<__uint128_t>(a) * b;

			return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64U);
#else
			// Portable 64x64 -> 128 multiplication.
			const std::uint64_t ha = a >> 32U, hb = b >> 32U;
			const std::uint64_t la = static_cast<std::uint32_t>(a);
			const std::uint64_t lb = static_cast<std::uint32_t>(b);
			const std::uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
			const std::uint64_t t  = rl + (rm0 << 32U);
			std::uint64_t lo       = t + (rm1 << 32U);
			std::uint64_t hi = rh + (rm0 >> 32U) + (rm1 >> 32U) + (t < rl ? 1 : 0) + (lo < t ? 1 : 0);

			return lo ^ hi;
#endif
		}

		inline std::size_t hashInteger(std::uint64_t x) noexcept
		{
			return static_cast<std::size_t>(mix(x, UINT64_C(0x9E3779B97F4A7C15)));
		}
	} // namespace detail

	// Generic case: whatever std::hash<T> does (std::string, ...).
	template<typename T, typename Enable = void>
	struct hash : public std::hash<T>
	{
	};

	// Integers and enums: avalanching integer mix.
	template<typename T>
	struct hash<T, typename std::enable_if<std::is_integral<T>::value || std::is_enum<T>::value>::type>
	{
		using is_avalanching = void;

		std::size_t operator()(const T& obj) const noexcept
		{
			return detail::hashInteger(static_cast<std::uint64_t>(obj));
		}
	};

	// Pointers.
	template<typename T>
	struct hash<T*>
	{
		using is_avalanching = void;

		std::size_t operator()(T* ptr) const noexcept
		{
			return detail::hashInteger(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(ptr)));
		}
	};

	template<
	  class Key,
	  class T,
	  class Hash     = hash<Key>,
	  class KeyEqual = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;
} // namespace ankerl::unordered_dense

#endif
