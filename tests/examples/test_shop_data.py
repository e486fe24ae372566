"""The generated data: deterministic, complete, internally consistent."""

from __future__ import annotations

from examples.shop.data import generate, order_total


def test_generation_is_deterministic_and_seeded() -> None:
    assert generate() == generate()
    assert generate(seed=1) != generate(seed=2)


def test_sizes_and_indexes() -> None:
    data = generate()

    assert len(data.users) == 1000
    assert len(data.products) == 500
    assert len(data.orders) == 5000
    assert len(data.reviews) == 2000
    assert all(len(data.orders_by_user_id[user.id]) == 5 for user in data.users)
    assert all(len(data.reviews_by_product_id[p.id]) == 4 for p in data.products)
    assert data.users_by_id[17] == data.users[16]


def test_orders_reference_existing_products_and_carry_exact_totals() -> None:
    data = generate()

    for order in data.orders:
        assert len(order.items) == 3
        assert all(item.product_id in data.products_by_id for item in order.items)
        assert order.total == order_total(order.items, data.products_by_id)
        assert order.total == round(order.total, 2)
